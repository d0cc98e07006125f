using Herald.Auth;
using Herald.Protocol;
using Microsoft.AspNetCore.Http;

namespace Herald.Connections;

/// <summary>
/// The checks an upgrade passes before its 101, and the credentials it hands to the session, the same on both
/// WebSocket paths. A server with no authentication and no origin list reads nothing here
/// (<see cref="ReadsHead"/> is false), so its handshakes stay as cheap as they were.
/// </summary>
internal sealed class UpgradeGate
{
    private const string OriginHeader = "Origin";
    private const string HostHeader = "Host";
    private const string TokenQueryParameter = "access_token";

    private readonly OriginPolicy _origins;
    private readonly LoginAuthority _authority;

    public UpgradeGate(OriginPolicy origins, LoginAuthority authority)
    {
        _origins = origins;
        _authority = authority;
        List<string> names = [OriginHeader, HostHeader, "Sec-WebSocket-Protocol"];
        names.AddRange(authority.HandshakeHeaders.Where(name => !names.Contains(name, StringComparer.OrdinalIgnoreCase)));
        HeaderNames = names;
        ReadsHead = origins.IsActive || authority.AuthenticationConfigured;
    }

    /// <summary>Whether the paths must read the upgrade's <see cref="UpgradeHead"/> at all.</summary>
    public bool ReadsHead { get; }

    /// <summary>The headers an <see cref="UpgradeHead"/> must hold.</summary>
    public IReadOnlyList<string> HeaderNames { get; }

    /// <summary>Null when the upgrade may go on, else why not.</summary>
    public UpgradeRefusal? Check(UpgradeHead head)
    {
        var origin = head.Header(OriginHeader);
        if (!_origins.Allows(origin, head.Header(HostHeader)))
        {
            return new UpgradeRefusal(
                StatusCodes.Status403Forbidden, "Origin not allowed", $"WebSocket connections from origin '{origin}' are not allowed here; the server's Herald:AllowedOrigins lists those that are.",
                "origin not allowed");
        }

        return null;
    }

    /// <summary>What the session may log in with: a token from the handshake and the headers the connect hook gets; null when authentication is off.</summary>
    public HandshakeCredentials? CredentialsFrom(UpgradeHead head, string remoteAddress)
    {
        if (!_authority.AuthenticationConfigured)
        {
            return null;
        }

        var token = QueryToken(head.Query) ?? Subprotocols.FindToken([head.Header("Sec-WebSocket-Protocol")]);
        var forwarded = new List<KeyValuePair<string, string>>();
        foreach (var name in _authority.HandshakeHeaders)
        {
            if (head.Header(name) is { } value)
            {
                forwarded.Add(new(name, value));
            }
        }

        return new HandshakeCredentials(token, forwarded, remoteAddress);
    }

    private static string? QueryToken(string? query)
    {
        foreach (var pair in (query ?? string.Empty).Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && pair.AsSpan(0, equals).SequenceEqual(TokenQueryParameter) && equals + 1 < pair.Length)
            {
                return Uri.UnescapeDataString(pair[(equals + 1)..]);
            }
        }

        return null;
    }
}
