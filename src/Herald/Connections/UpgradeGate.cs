using System.Net;
using Herald.Auth;
using Herald.Diagnostics;
using Herald.Protocol;
using Microsoft.AspNetCore.Http;

namespace Herald.Connections;

/// <summary>
/// The checks an upgrade passes before its 101, and the credentials it hands to the session, the same on both
/// WebSocket paths. A server with no authentication and no origin list reads nothing here, nor one with known
/// proxies from a peer that is none of them (<see cref="ReadsHead"/> is false), so its handshakes stay as cheap as they were.
/// </summary>
internal sealed class UpgradeGate
{
    private const string OriginHeader = "Origin";
    private const string HostHeader = "Host";
    private const string TokenQueryParameter = "access_token";

    // A per-address slot frees only when one of that address's connections closes, which no one can predict; a
    // client told to wait half a minute does not hammer the server meanwhile.
    private const int AddressLimitRetryAfterSeconds = 30;

    private readonly OriginPolicy _origins;
    private readonly LoginAuthority _authority;
    private readonly ClientAddressResolver _addresses;
    private readonly ConnectionSlots _slots;
    private readonly HeraldOptions _options;

    // Whether every upgrade's head is read, for the origin check or the credentials.
    private readonly bool _checksHead;

    public UpgradeGate(OriginPolicy origins, LoginAuthority authority, ClientAddressResolver addresses, ConnectionSlots slots, HeraldOptions options)
    {
        _origins = origins;
        _authority = authority;
        _addresses = addresses;
        _slots = slots;
        _options = options;
        List<string> names = [OriginHeader, HostHeader, "Sec-WebSocket-Protocol"];
        names.AddRange(authority.HandshakeHeaders.Where(name => !names.Contains(name, StringComparer.OrdinalIgnoreCase)));
        if (addresses.IsActive && !names.Contains(addresses.HeaderName, StringComparer.OrdinalIgnoreCase))
        {
            names.Add(addresses.HeaderName);
        }

        HeaderNames = names;
        _checksHead = origins.IsActive || authority.AuthenticationConfigured;
    }

    /// <summary>
    /// Whether the paths must read the <see cref="UpgradeHead"/> of an upgrade from <paramref name="peer"/> at all:
    /// for the origin check or the credentials, or for the forwarded header of a known proxy. An upgrade that needs
    /// none of them makes none of the head's strings, whose garbage would stay as holes between the objects its
    /// connection keeps (docs/benchmarks.md).
    /// </summary>
    public bool ReadsHead(IPAddress? peer) => _checksHead || _addresses.IsProxy(peer);

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

    /// <summary>
    /// The client's address: <paramref name="peer"/>, or behind a known proxy the one its forwarded header names
    /// (<see cref="ClientAddressResolver"/>). The head holds that header whenever a proxy is known.
    /// </summary>
    public IPAddress? ClientAddress(UpgradeHead head, IPAddress? peer) =>
        _addresses.IsActive ? _addresses.Resolve(peer, head.Header(_addresses.HeaderName)) : peer;

    /// <summary>
    /// The last check before the 101, once every other has passed: takes the connection's slots
    /// (<see cref="ConnectionSlots"/>), or refuses it with 429 (its address has too many connections) or 503 (too
    /// many are waiting to log in). After null, the caller owns the slots: it hands the connection to
    /// <see cref="ConnectionHandler"/> with a transport whose client address is <paramref name="client"/>, or gives
    /// them back with <see cref="ReturnUnused"/> if it cannot.
    /// </summary>
    /// <param name="client">The client's address (<see cref="ClientAddress"/>); null when the connection has none.</param>
    public UpgradeRefusal? Admit(IPAddress? client)
    {
        return _slots.TryTake(client) switch
        {
            null => null,
            HeraldLimit.ConnectionsPerIp => new UpgradeRefusal(
                StatusCodes.Status429TooManyRequests, "Too many connections from this address",
                $"This address has {_options.MaxConnectionsPerIp} WebSocket connections open to this server, the most Herald:MaxConnectionsPerIp allows; close one first.",
                "too many connections from this address", HeraldLimit.ConnectionsPerIp, AddressLimitRetryAfterSeconds),
            // Every pending slot frees within LoginTimeout: its connection logs in by then or is closed.
            var limit => new UpgradeRefusal(
                StatusCodes.Status503ServiceUnavailable, "Too many pending logins",
                $"{_options.MaxPendingLogins} connections are waiting to log in to this server, the most Herald:MaxPendingLogins allows; retry shortly.",
                "too many pending logins", limit, (int)Math.Ceiling(_options.LoginTimeout.TotalSeconds)),
        };
    }

    /// <summary>Gives back the slots <see cref="Admit"/> took for a connection that was not handed on (its handshake failed).</summary>
    public void ReturnUnused(IPAddress? client) => _slots.Return(client, pending: true);

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
