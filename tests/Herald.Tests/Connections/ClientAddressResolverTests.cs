using System.Net;
using Herald.Connections;

namespace Herald.Tests.Connections;

/// <summary>The rule that names a connection's client from its peer and the forwarded header (docs/security.md).</summary>
public sealed class ClientAddressResolverTests
{
    private static readonly IPAddress Proxy = IPAddress.Parse("10.0.0.5");

    [Theory]
    [InlineData(null, "10.0.0.5")]
    [InlineData("", "10.0.0.5")]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("198.51.100.1, 203.0.113.7", "203.0.113.7")]
    [InlineData("203.0.113.7, 10.1.2.3", "203.0.113.7")]
    [InlineData("203.0.113.7,10.1.2.3 ,  10.1.2.4", "203.0.113.7")]
    [InlineData("10.1.2.3, 10.0.0.5", "10.1.2.3")]
    [InlineData("203.0.113.7:5555", "203.0.113.7")]
    [InlineData("2001:db8::7", "2001:db8::7")]
    [InlineData("[2001:db8::7]:4711", "2001:db8::7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("unknown", "10.0.0.5")]
    [InlineData("203.0.113.7, garbage, 10.1.2.3", "10.1.2.3")]
    public void Resolve_XForwardedForFromAKnownProxy_IsTheRightmostAddressThatIsNotAProxy(string? header, string client)
    {
        var resolver = Resolver(HeraldForwardedHeadersOptions.XForwardedFor);

        Assert.Equal(IPAddress.Parse(client), resolver.Resolve(Proxy, header));
    }

    [Fact]
    public void Resolve_PeerThatIsNotAKnownProxy_IgnoresTheHeaderItWrote()
    {
        var resolver = Resolver(HeraldForwardedHeadersOptions.XForwardedFor);
        var peer = IPAddress.Parse("198.51.100.9");

        Assert.Same(peer, resolver.Resolve(peer, "203.0.113.7"));
    }

    [Fact]
    public void Resolve_DualStackPeerOfAnIPv4Proxy_IsKnownAsThatProxy()
    {
        var resolver = Resolver(HeraldForwardedHeadersOptions.XForwardedFor);

        Assert.Equal(IPAddress.Parse("203.0.113.7"), resolver.Resolve(IPAddress.Parse("::ffff:10.0.0.5"), "203.0.113.7"));
    }

    [Fact]
    public void Resolve_EveryEntryAKnownProxy_IsTheLeftmost()
    {
        var resolver = Resolver(HeraldForwardedHeadersOptions.XForwardedFor);

        Assert.Equal(IPAddress.Parse("10.1.2.3"), resolver.Resolve(Proxy, "10.1.2.3, 10.1.2.4"));
    }

    [Theory]
    [InlineData("for=203.0.113.7", "203.0.113.7")]
    [InlineData("For=\"203.0.113.7:5555\";proto=https", "203.0.113.7")]
    [InlineData("for=198.51.100.1, for=\"[2001:db8:cafe::17]:4711\";proto=https;by=10.1.2.3", "2001:db8:cafe::17")]
    [InlineData("for=203.0.113.7;by=\"a, b\", for=10.1.2.3", "203.0.113.7")]
    [InlineData("proto=https;for=203.0.113.7", "203.0.113.7")]
    [InlineData("for=\"\\[2001:db8::1\\]\"", "2001:db8::1")]
    [InlineData("for=unknown, for=10.1.2.3", "10.1.2.3")]
    [InlineData("for=_hidden", "10.0.0.5")]
    [InlineData("proto=https", "10.0.0.5")]
    public void Resolve_ForwardedFromAKnownProxy_ReadsTheForParameters(string header, string client)
    {
        var resolver = Resolver(HeraldForwardedHeadersOptions.Forwarded);

        Assert.Equal(IPAddress.Parse(client), resolver.Resolve(Proxy, header));
    }

    [Fact]
    public void Resolve_NoProxyKnown_IsInactiveAndReturnsThePeer()
    {
        var resolver = new ClientAddressResolver(new HeraldOptions());

        Assert.False(resolver.IsActive);
        Assert.Same(Proxy, resolver.Resolve(Proxy, "203.0.113.7"));
    }

    private static ClientAddressResolver Resolver(string header)
    {
        var options = new HeraldOptions();
        options.ForwardedHeaders.Header = header;
        options.ForwardedHeaders.KnownProxies.Add("10.0.0.5");
        options.ForwardedHeaders.KnownNetworks.Add("10.1.2.0/24");
        return new ClientAddressResolver(options);
    }
}
