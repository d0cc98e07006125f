namespace Herald;

/// <summary>
/// Which proxies Herald believes about who the client is, bound from <c>Herald:ForwardedHeaders</c>. While none is
/// listed, a client's address is its TCP peer's. Once the peer is a known proxy, the client is the rightmost address
/// in <see cref="Header"/> that is not itself a known proxy. The same rule holds on both WebSocket paths, for the
/// per-address limit and for the address log lines show (docs/security.md, "Behind a proxy: client addresses").
/// </summary>
public sealed class HeraldForwardedHeadersOptions
{
    /// <summary>The de facto header, and the default of <see cref="Header"/>: <c>X-Forwarded-For: client, proxy1, proxy2</c>.</summary>
    public const string XForwardedFor = "X-Forwarded-For";

    /// <summary>The standard header (RFC 7239): <c>Forwarded: for=client, for="[2001:db8::1]:4711"</c>.</summary>
    public const string Forwarded = "Forwarded";

    /// <summary>The header the proxies write: <see cref="XForwardedFor"/> (the default) or <see cref="Forwarded"/>.</summary>
    public string Header { get; set; } = XForwardedFor;

    /// <summary>The proxies' IP addresses, such as <c>10.0.0.5</c> or <c>2001:db8::5</c>.</summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary>Networks whose every address is a proxy, in CIDR notation, such as <c>10.0.0.0/8</c>.</summary>
    public IList<string> KnownNetworks { get; } = [];
}
