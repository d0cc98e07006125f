using System.Net;

namespace Herald.Connections;

/// <summary>
/// Who the client is, from its TCP peer and the forwarded header of the proxies in <see cref="HeraldOptions.ForwardedHeaders"/>:
/// a peer that is not a known proxy is the client (whatever header it sends: a client may write one itself); behind
/// a known proxy, the client is the rightmost address of the header that is not a known proxy. One rule for both
/// WebSocket paths (docs/security.md, "Behind a proxy: client addresses").
/// </summary>
internal sealed class ClientAddressResolver
{
    private readonly HashSet<IPAddress> _proxies = [];
    private readonly List<IPNetwork> _networks = [];
    private readonly bool _rfc7239;

    public ClientAddressResolver(HeraldOptions options)
    {
        var forwarded = options.ForwardedHeaders;
        foreach (var proxy in forwarded.KnownProxies)
        {
            if (IPAddress.TryParse(proxy, out var address))
            {
                _proxies.Add(Normalized(address));
            }
        }

        foreach (var network in forwarded.KnownNetworks)
        {
            if (IPNetwork.TryParse(network, out var parsed))
            {
                _networks.Add(parsed);
            }
        }

        _rfc7239 = string.Equals(forwarded.Header, HeraldForwardedHeadersOptions.Forwarded, StringComparison.OrdinalIgnoreCase);
        HeaderName = _rfc7239 ? HeraldForwardedHeadersOptions.Forwarded : HeraldForwardedHeadersOptions.XForwardedFor;
    }

    /// <summary>Whether any proxy is known: only then is the forwarded header read at all.</summary>
    public bool IsActive => _proxies.Count > 0 || _networks.Count > 0;

    /// <summary>The forwarded header read, as configured.</summary>
    public string HeaderName { get; }

    /// <summary>How many proxies and networks are known, for the start-up report.</summary>
    public (int Proxies, int Networks) Known => (_proxies.Count, _networks.Count);

    /// <param name="peer">The TCP peer's address; null when the connection has none.</param>
    /// <param name="header">The forwarded header's value, its lines joined with commas; null when absent.</param>
    /// <returns>The client's address: <paramref name="peer"/> itself unless it is a known proxy.</returns>
    public IPAddress? Resolve(IPAddress? peer, string? header)
    {
        if (!IsProxy(peer) || header is null)
        {
            return peer;
        }

        var client = peer;
        foreach (var address in ForwardedElements.RightToLeft(header, _rfc7239))
        {
            client = address;
            if (!IsProxy(address))
            {
                break;
            }
        }

        return client;
    }

    /// <summary>Whether <paramref name="address"/> is a known proxy, whose forwarded header names the client.</summary>
    public bool IsProxy(IPAddress? address)
    {
        if (address is null || !IsActive)
        {
            return false;
        }

        var normalized = Normalized(address);
        if (_proxies.Contains(normalized))
        {
            return true;
        }

        foreach (var network in _networks)
        {
            if (network.Contains(normalized))
            {
                return true;
            }
        }

        return false;
    }

    // A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d; proxies are listed as a.b.c.d.
    private static IPAddress Normalized(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
