namespace Herald.Auth;

/// <summary>
/// Which web pages may open a WebSocket (cross-site WebSocket hijacking: a browser sends the user's cookies with
/// an upgrade from any page, and tells the server which page in <c>Origin</c>). In force once an allow-list is
/// configured or the WebSocket side is authenticated (a token key or the connect hook); then a request without
/// <c>Origin</c> (not a browser), one from the same origin as its <c>Host</c>, and one from a listed origin are
/// allowed, and every other origin is refused with 403. Not in force on an open demo server, which anybody may use.
/// </summary>
internal sealed class OriginPolicy
{
    private readonly HashSet<string> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Scheme, string Suffix, string Port)> _wildcards = [];
    private readonly bool _any;

    public OriginPolicy(HeraldOptions options, LoginAuthority authority)
    {
        foreach (var entry in options.AllowedOrigins)
        {
            if (entry == "*")
            {
                _any = true;
            }
            else if (OriginRules.TryParseWildcard(entry, out var scheme, out var suffix, out var port))
            {
                _wildcards.Add((scheme, suffix, port));
            }
            else
            {
                _exact.Add(OriginRules.Normalize(entry));
            }
        }

        IsActive = options.AllowedOrigins.Length > 0 || authority.AuthenticationConfigured;
    }

    /// <summary>Whether upgrades are checked at all.</summary>
    public bool IsActive { get; }

    /// <param name="origin">The request's <c>Origin</c>, or null when it sent none.</param>
    /// <param name="host">The request's <c>Host</c> (or HTTP/2 <c>:authority</c>).</param>
    public bool Allows(string? origin, string? host)
    {
        if (!IsActive || origin is null || _any)
        {
            return true;
        }

        if (_exact.Contains(OriginRules.Normalize(origin)))
        {
            return true;
        }

        if (!OriginRules.TrySplit(origin, out var scheme, out var originHost, out var port))
        {
            // "null" (a sandboxed frame, a file:// page) and anything unparsable: only an exact listing allows them.
            return false;
        }

        if (host is not null && OriginRules.SameAuthority(originHost, port, host, scheme))
        {
            return true;
        }

        foreach (var (wildcardScheme, suffix, wildcardPort) in _wildcards)
        {
            if (string.Equals(scheme, wildcardScheme, StringComparison.OrdinalIgnoreCase)
                && string.Equals(port, wildcardPort, StringComparison.Ordinal)
                && originHost.Length > suffix.Length
                && originHost.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
