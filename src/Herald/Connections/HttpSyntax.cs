using System.Buffers;
using System.Text;

namespace Herald.Connections;

/// <summary>
/// The character classes and small grammars of an HTTP/1.1 request head (RFC 9110, RFC 9112, RFC 3986) that the
/// direct path's head parser checks bytes against. Where Kestrel has a rule of its own (the host), it is Kestrel's.
/// </summary>
internal static class HttpSyntax
{
    private const string Alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>tchar (RFC 9110 §5.6.2): what a method or a header name is made of.</summary>
    public static readonly SearchValues<byte> TokenChars = SearchValues.Create(Encoding.ASCII.GetBytes(Alphanumeric + "!#$%&'*+-.^_`|~"));

    /// <summary>
    /// What a header value may hold (RFC 9110 §5.5): visible ASCII, space and tab. No control character, NUL or
    /// DEL, and no obs-text either: Kestrel decodes bytes above 0x7F as UTF-8 and refuses what does not decode.
    /// </summary>
    public static readonly SearchValues<byte> FieldValueChars = SearchValues.Create(FieldValueBytes());

    /// <summary>The path of an origin-form target (RFC 3986 §3.3): pchar and '/', with '%' only as a percent-escape.</summary>
    private static readonly SearchValues<byte> PathChars = SearchValues.Create(Encoding.ASCII.GetBytes(Alphanumeric + "-._~!$&'()*+,;=:@/%"));

    /// <summary>The query (RFC 3986 §3.4): what a path may hold, and '?'.</summary>
    private static readonly SearchValues<byte> QueryChars = SearchValues.Create(Encoding.ASCII.GetBytes(Alphanumeric + "-._~!$&'()*+,;=:@/%?"));

    /// <summary>A host name or IPv4 address, as Kestrel allows it (its HttpCharacters, which match Http.Sys).</summary>
    private static readonly SearchValues<byte> HostChars = SearchValues.Create(Encoding.ASCII.GetBytes(Alphanumeric + "!$&'()-._~"));

    /// <summary>What may stand between the brackets of an IP literal: hex digits, ':' and '.'.</summary>
    private static readonly SearchValues<byte> IpLiteralChars = SearchValues.Create("0123456789ABCDEFabcdef:."u8);

    /// <summary>True for origin-form (RFC 9112 §3.2.1): an absolute path of valid characters, then an optional query.</summary>
    public static bool IsOriginForm(ReadOnlySpan<byte> target)
    {
        if (target.IsEmpty || target[0] != (byte)'/')
        {
            return false;
        }

        var query = target.IndexOf((byte)'?');
        var path = query < 0 ? target : target[..query];
        return !path.ContainsAnyExcept(PathChars)
            && (query < 0 || !target[(query + 1)..].ContainsAnyExcept(QueryChars))
            && HasValidPercentEscapes(target);
    }

    /// <summary>
    /// Kestrel's rule for a <c>Host</c> value (its <c>HttpUtilities.IsHostHeaderValid</c>): empty, or a host name or
    /// IPv4 address of host characters, or an IP literal in brackets, each with an optional <c>:port</c> of digits.
    /// </summary>
    public static bool IsValidHost(ReadOnlySpan<byte> host)
    {
        if (host.IsEmpty)
        {
            // RFC 9112 §3.2 allows an empty Host when the target has no authority; Kestrel accepts it.
            return true;
        }

        int portStart;
        if (host[0] == (byte)'[')
        {
            var close = host.IndexOf((byte)']');

            // "[::1]" is the shortest IP literal.
            if (close < 4 || host[1..close].ContainsAnyExcept(IpLiteralChars))
            {
                return false;
            }

            portStart = close + 1;
        }
        else
        {
            if (host[0] == (byte)':')
            {
                return false;
            }

            portStart = host.IndexOfAnyExcept(HostChars);
            if (portStart < 0)
            {
                return true;
            }
        }

        var port = host[portStart..];
        return port.IsEmpty || (port.Length > 1 && port[0] == (byte)':' && !port[1..].ContainsAnyExceptInRange((byte)'0', (byte)'9'));
    }

    /// <summary>
    /// True when the comma-separated <paramref name="list"/> has an element equal to <paramref name="token"/>,
    /// ignoring case and the spaces around it. Tabs around an element are not skipped, because Kestrel's own
    /// reading of <c>Connection</c> does not skip them: such an element is not the token to either.
    /// </summary>
    public static bool ListContainsToken(ReadOnlySpan<byte> list, ReadOnlySpan<byte> token)
    {
        foreach (var range in list.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(list[range].Trim((byte)' '), token))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when every element of the comma-separated <paramref name="list"/> is one of the two tokens (ignoring
    /// case and the spaces around it); empty elements are allowed, as RFC 9110 §5.6.1 lets a recipient skip them.
    /// </summary>
    public static bool ListHoldsOnly(ReadOnlySpan<byte> list, ReadOnlySpan<byte> token, ReadOnlySpan<byte> otherToken)
    {
        foreach (var range in list.Split((byte)','))
        {
            var element = list[range].Trim((byte)' ');
            if (!element.IsEmpty && !Ascii.EqualsIgnoreCase(element, token) && !Ascii.EqualsIgnoreCase(element, otherToken))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasValidPercentEscapes(ReadOnlySpan<byte> target)
    {
        var rest = target;
        int percent;
        while ((percent = rest.IndexOf((byte)'%')) >= 0)
        {
            if (percent + 2 >= rest.Length || !IsHexDigit(rest[percent + 1]) || !IsHexDigit(rest[percent + 2]))
            {
                return false;
            }

            rest = rest[(percent + 3)..];
        }

        return true;
    }

    private static bool IsHexDigit(byte b) => char.IsAsciiHexDigit((char)b);

    private static byte[] FieldValueBytes()
    {
        var bytes = new List<byte> { (byte)'\t' };
        for (var b = 0x20; b <= 0x7E; b++)
        {
            bytes.Add((byte)b);
        }

        return [.. bytes];
    }
}
