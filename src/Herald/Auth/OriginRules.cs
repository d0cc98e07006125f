using System.Globalization;

namespace Herald.Auth;

/// <summary>
/// How an origin (RFC 6454: <c>scheme://host[:port]</c>) is read and compared: scheme and host without regard to
/// case, the port made explicit from the scheme's default, so <c>https://App.example.com:443</c> is
/// <c>https://app.example.com</c>. Also the one rule for the allow-list's entries, checked at start.
/// </summary>
internal static class OriginRules
{
    /// <summary>Why an allow-list entry is unusable, or null when it is an origin, a <c>scheme://*.domain[:port]</c> pattern or <c>*</c>.</summary>
    public static string? Validate(string? entry)
    {
        if (entry == "*")
        {
            return null;
        }

        entry ??= string.Empty;
        if (TryParseWildcard(entry, out _, out _, out _) || (TrySplit(entry, out _, out var host, out _) && !host.Contains('*')))
        {
            return null;
        }

        return $"'{entry}' is not an origin: write scheme://host[:port] (https://app.example.com), a pattern https://*.example.com, or *";
    }

    /// <summary>The origin in the form compared: lower case, default port left out.</summary>
    public static string Normalize(string origin) =>
        TrySplit(origin, out var scheme, out var host, out var port)
            ? port == DefaultPort(scheme) ? $"{scheme}://{host}" : $"{scheme}://{host}:{port}"
            : origin;

    /// <summary><c>scheme://host[:port]</c> with nothing after it; the port is made explicit.</summary>
    public static bool TrySplit(string origin, out string scheme, out string host, out string port)
    {
        (scheme, host, port) = (string.Empty, string.Empty, string.Empty);
        var separator = origin.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0)
        {
            return false;
        }

        scheme = origin[..separator].ToLowerInvariant();
        if (scheme is not ("http" or "https"))
        {
            return false;
        }

        var authority = origin[(separator + 3)..];
        if (authority.Length == 0 || authority.AsSpan().IndexOfAny("/?#@ ") >= 0)
        {
            return false;
        }

        return TrySplitAuthority(authority, DefaultPort(scheme), out host, out port);
    }

    /// <summary><c>scheme://*.domain[:port]</c>: any host that ends with <c>.domain</c>.</summary>
    public static bool TryParseWildcard(string entry, out string scheme, out string suffix, out string port)
    {
        suffix = string.Empty;
        var wildcard = entry.IndexOf("://*.", StringComparison.Ordinal);
        if (wildcard <= 0 || !TrySplit(entry.Remove(wildcard + 3, 2), out scheme, out var domain, out port) || domain.Contains('*'))
        {
            (scheme, port) = (string.Empty, string.Empty);
            return false;
        }

        suffix = "." + domain;
        return true;
    }

    /// <summary>Whether an origin's host and port are those of a request's <c>Host</c> (whose port defaults by the origin's scheme).</summary>
    public static bool SameAuthority(string originHost, string originPort, string requestHost, string scheme) =>
        TrySplitAuthority(requestHost, DefaultPort(scheme), out var host, out var port)
        && string.Equals(host, originHost, StringComparison.OrdinalIgnoreCase)
        && string.Equals(port, originPort, StringComparison.Ordinal);

    private static bool TrySplitAuthority(string authority, string defaultPort, out string host, out string port)
    {
        // host, host:port, [v6], [v6]:port
        var portStart = authority.StartsWith('[') ? authority.IndexOf("]:", StringComparison.Ordinal) is var close and > 0 ? close + 1 : -1
            : authority.LastIndexOf(':');
        host = (portStart < 0 ? authority : authority[..portStart]).ToLowerInvariant();
        port = defaultPort;
        if (portStart < 0)
        {
            return host.Length > 0;
        }

        // Written as a number, so that 0443 is 443.
        var parsed = ushort.TryParse(authority.AsSpan(portStart + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number);
        port = number.ToString(CultureInfo.InvariantCulture);
        return host.Length > 0 && parsed;
    }

    private static string DefaultPort(string scheme) => scheme == "https" ? "443" : "80";
}
