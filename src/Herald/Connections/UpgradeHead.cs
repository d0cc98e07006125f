using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Herald.Connections;

/// <summary>
/// What either WebSocket path read from an upgrade request for the checks made before the 101 and for the login:
/// the same fields whichever path took the request. Read only when a check needs them (authentication, an origin
/// allow-list), so a default server makes none of these strings.
/// </summary>
internal sealed class UpgradeHead
{
    private UpgradeHead(string? query, List<KeyValuePair<string, string>> headers)
    {
        Query = query;
        Headers = headers;
    }

    /// <summary>The request-target's query, without its <c>?</c>; null when it has none.</summary>
    public string? Query { get; }

    /// <summary>The headers asked for, each once, by the name asked for: several lines of one header are joined.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public string? Header(string name)
    {
        foreach (var (key, value) in Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The ASP.NET Core path: from the request Kestrel parsed.</summary>
    public static UpgradeHead FromRequest(HttpRequest request, IReadOnlyList<string> names)
    {
        var headers = new List<KeyValuePair<string, string>>(names.Count);
        foreach (var name in names)
        {
            var values = request.Headers[name];
            if (values.Count > 0)
            {
                headers.Add(new(name, string.Join(Separator(name), values.ToArray())));
            }
        }

        var query = request.QueryString.HasValue ? request.QueryString.Value![1..] : null;
        return new UpgradeHead(query, headers);
    }

    /// <summary>
    /// The direct path: from the bytes of a head <see cref="RequestHeadParser"/> has taken, so every line is
    /// known to be well-formed (CRLF-terminated, <c>name: value</c>, visible ASCII or obs-text).
    /// </summary>
    public static UpgradeHead FromBytes(in ReadOnlySequence<byte> head, IReadOnlyList<string> names)
    {
        var length = (int)head.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var bytes = rented.AsSpan(0, length);
            head.CopyTo(bytes);
            return Read(bytes, names);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static UpgradeHead Read(ReadOnlySpan<byte> head, IReadOnlyList<string> names)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var requestLine = head[..lineEnd];
        var target = requestLine["GET "u8.Length..requestLine.LastIndexOf((byte)' ')];
        var question = target.IndexOf((byte)'?');
        var query = question < 0 ? null : Encoding.Latin1.GetString(target[(question + 1)..]);

        var found = new string?[names.Count];
        var rest = head[(lineEnd + 2)..];
        while ((lineEnd = rest.IndexOf("\r\n"u8)) > 0)
        {
            var line = rest[..lineEnd];
            rest = rest[(lineEnd + 2)..];
            var colon = line.IndexOf((byte)':');
            var name = line[..colon];
            for (var i = 0; i < names.Count; i++)
            {
                if (Ascii.EqualsIgnoreCase(name, names[i]))
                {
                    // Header values are Latin-1 on the wire (RFC 9110 §5.5), as Kestrel reads them by default.
                    var value = Encoding.Latin1.GetString(line[(colon + 1)..].Trim(" \t"u8));
                    found[i] = found[i] is { } earlier ? string.Concat(earlier, Separator(names[i]), value) : value;
                }
            }
        }

        var headers = new List<KeyValuePair<string, string>>(names.Count);
        for (var i = 0; i < names.Count; i++)
        {
            if (found[i] is { } value)
            {
                headers.Add(new(names[i], value));
            }
        }

        return new UpgradeHead(query, headers);
    }

    // RFC 9110 §5.3 joins a list header's lines with commas; RFC 6265 §5.4 joins cookies with "; ".
    private static string Separator(string name) => string.Equals(name, "Cookie", StringComparison.OrdinalIgnoreCase) ? "; " : ", ";
}
