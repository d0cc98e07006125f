using System.Net;

namespace Herald.Connections;

/// <summary>
/// The addresses in a forwarded header, read from the right (the hop nearest Herald) to the left. An element that is
/// not an address ends the list: RFC 7239's <c>unknown</c> and obfuscated <c>_names</c>, a <c>Forwarded</c> element
/// without <c>for=</c>, or anything unparsable; nothing written left of it can be traced to a known proxy.
/// </summary>
internal static class ForwardedElements
{
    /// <summary>The addresses of <paramref name="value"/>, rightmost first, up to the first element that is not one.</summary>
    /// <param name="value">The header's value, its lines joined with commas.</param>
    /// <param name="rfc7239">True for <c>Forwarded</c> (<c>for=</c> parameters), false for <c>X-Forwarded-For</c> (bare addresses).</param>
    public static IEnumerable<IPAddress> RightToLeft(string value, bool rfc7239)
    {
        var elements = Split(value);
        for (var i = elements.Count - 1; i >= 0; i--)
        {
            var element = value.AsSpan(elements[i]).Trim(" \t");
            if (!TryParseNode(rfc7239 ? ForParameter(element) : element, out var address))
            {
                yield break;
            }

            yield return address;
        }
    }

    /// <summary>The elements' ranges: split at commas outside quoted strings (a Forwarded value may quote one).</summary>
    private static List<Range> Split(string value)
    {
        var elements = new List<Range>();
        var (start, quoted, escaped) = (0, false, false);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (escaped)
            {
                escaped = false;
            }
            else if (quoted && c == '\\')
            {
                escaped = true;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                elements.Add(start..i);
                start = i + 1;
            }
        }

        elements.Add(start..value.Length);
        return elements;
    }

    /// <summary>The value of a Forwarded element's <c>for</c> parameter, unquoted; empty when it has none.</summary>
    private static ReadOnlySpan<char> ForParameter(ReadOnlySpan<char> element)
    {
        foreach (var range in element.Split(';'))
        {
            var pair = element[range].Trim(" \t");
            var equals = pair.IndexOf('=');
            if (equals > 0 && pair[..equals].Trim(" \t").Equals("for", StringComparison.OrdinalIgnoreCase))
            {
                var node = pair[(equals + 1)..].Trim(" \t");
                return node.Length >= 2 && node[0] == '"' && node[^1] == '"' ? Unquote(node[1..^1]) : node;
            }
        }

        return [];
    }

    private static ReadOnlySpan<char> Unquote(ReadOnlySpan<char> quoted)
    {
        if (!quoted.Contains('\\'))
        {
            return quoted;
        }

        var unquoted = new char[quoted.Length];
        var length = 0;
        for (var i = 0; i < quoted.Length; i++)
        {
            if (quoted[i] == '\\' && i + 1 < quoted.Length)
            {
                i++;
            }

            unquoted[length++] = quoted[i];
        }

        return unquoted.AsSpan(0, length);
    }

    /// <summary>An address with an optional port: <c>192.0.2.1</c>, <c>192.0.2.1:4711</c>, <c>2001:db8::1</c>, <c>[2001:db8::1]:4711</c>.</summary>
    private static bool TryParseNode(ReadOnlySpan<char> node, out IPAddress address)
    {
        address = IPAddress.None;
        if (node.IsEmpty || !IPEndPoint.TryParse(node, out var endPoint))
        {
            return false;
        }

        address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        return true;
    }
}
