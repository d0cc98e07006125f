using System.Net;
using System.Net.WebSockets;
using Herald.Tests.Auth;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Connections;

/// <summary>
/// Behind a known proxy, the client is the one its forwarded header names: for the per-address limit and in the
/// log lines, on both paths alike; from any other peer the header is ignored. The tests' known proxy is 127.0.0.1.
/// </summary>
public abstract class ForwardedHeadersTests(bool direct) : BothWebSocketPaths(direct)
{
    [Fact]
    public async Task Upgrade_FromAKnownProxy_CountsAndLogsTheForwardedClient()
    {
        await using var server = await StartServerAsync(o =>
        {
            o.MaxConnectionsPerIp = 2;
            o.ForwardedHeaders.KnownProxies.Add("127.0.0.1");
        });
        await using var innocent = await ConnectForwardedAsync(server, "203.0.113.6");
        await innocent.SendTextAsync("""{"uid":"innocent"}""");
        var held = new[] { await ConnectForwardedAsync(server, "203.0.113.5"), await ConnectForwardedAsync(server, "198.51.100.1, 203.0.113.5") };
        await held[0].SendTextAsync("""{"uid":"proxied"}""");
        await Eventually.TrueAsync(() => server.Hub.GetUser("proxied").Online && server.Hub.GetUser("innocent").Online, "both logins");

        // What the client wrote itself (198.51.100.1) is left of what the proxy appended: the client is 203.0.113.5.
        var refused = await UpgradeAttempt.SendAsync(server.BaseAddress, headers: "X-Forwarded-For: 192.0.2.1, 203.0.113.5");

        Assert.Equal(429, refused.Status);
        var limitLine = Assert.Single(server.Logs.Entries, entry => entry.EventName == "AddressConnectionLimitReached");
        Assert.Contains("from 203.0.113.5 via 127.0.0.1:", limitLine.Message, StringComparison.Ordinal);
        var login = Assert.Single(server.Logs.Entries, entry => entry.EventName == "ConnectionLoggedIn" && entry.Message.Contains("user proxied", StringComparison.Ordinal));
        Assert.Contains("from 203.0.113.5 via 127.0.0.1:", login.Message, StringComparison.Ordinal);
        Assert.Equal(1, await server.SendAsync("innocent", "still here"));
        Assert.Equal("still here", await innocent.ReceiveTextAsync());
        foreach (var client in held)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Upgrade_ForwardedHeaderInTwoLines_IsReadAsOneList()
    {
        await using var server = await StartServerAsync(o =>
        {
            o.MaxConnectionsPerIp = 1;
            o.ForwardedHeaders.KnownProxies.Add("127.0.0.1");
        });
        await using var held = await ConnectForwardedAsync(server, "203.0.113.5");

        var refused = await UpgradeAttempt.SendAsync(server.BaseAddress, headers: ["X-Forwarded-For: 192.0.2.1", "X-Forwarded-For: 203.0.113.5"]);
        var admitted = await UpgradeAttempt.SendAsync(server.BaseAddress, headers: ["X-Forwarded-For: 203.0.113.5", "X-Forwarded-For: 192.0.2.1"]);

        Assert.Equal(429, refused.Status);
        Assert.Equal(101, admitted.Status);
    }

    [Fact]
    public async Task Upgrade_FromAPeerThatIsNotAKnownProxy_IgnoresTheForwardedHeader()
    {
        var spoofer = IPAddress.Parse("127.0.0.7");
        await using var server = await StartServerAsync(o =>
        {
            (o.MaxConnectionsPerIp, o.ExemptLoopbackFromIpLimit) = (2, false);
            o.ForwardedHeaders.KnownNetworks.Add("10.0.0.0/8");
        });
        await using var innocent = await server.ConnectAsUserAsync("innocent", IPAddress.Parse("127.0.0.8"));
        var held = new[] { await ConnectForwardedAsync(server, "203.0.113.1", spoofer), await ConnectForwardedAsync(server, "203.0.113.2", spoofer) };

        // A new address in every header does not make a new client.
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => ConnectForwardedAsync(server, "203.0.113.3", spoofer));

        Assert.Contains("429", refused.Message, StringComparison.Ordinal);
        var limitLine = Assert.Single(server.Logs.Entries, entry => entry.EventName == "AddressConnectionLimitReached");
        Assert.Contains("from 127.0.0.7:", limitLine.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("203.0.113", limitLine.Message, StringComparison.Ordinal);
        Assert.Equal(1, await server.SendAsync("innocent", "still here"));
        Assert.Equal("still here", await innocent.ReceiveTextAsync());
        foreach (var client in held)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Upgrade_Rfc7239ForwardedFromAKnownProxy_CountsAnIPv6ClientByItsSlash64()
    {
        await using var server = await StartServerAsync(o =>
        {
            o.MaxConnectionsPerIp = 2;
            o.ForwardedHeaders.Header = "Forwarded";
            o.ForwardedHeaders.KnownProxies.Add("127.0.0.1");
        });
        await using var innocent = await ConnectForwardedAsync(server, "for=\"[2001:db8:2::1]\"", header: "Forwarded");
        var held = new[]
        {
            await ConnectForwardedAsync(server, "for=\"[2001:db8:1::1]:4711\";proto=http", header: "Forwarded"),
            await ConnectForwardedAsync(server, "for=\"[2001:db8:1::2]\"", header: "Forwarded"),
        };

        // The same /64, a third address: the same client. An X-Forwarded-For is not what this server reads.
        var refused = await UpgradeAttempt.SendAsync(server.BaseAddress, headers: ["Forwarded: for=\"[2001:db8:1::ffff]\"", "X-Forwarded-For: 192.0.2.1"]);

        Assert.Equal(429, refused.Status);
        var limitLine = Assert.Single(server.Logs.Entries, entry => entry.EventName == "AddressConnectionLimitReached");
        Assert.Contains("from 2001:db8:1::ffff via 127.0.0.1:", limitLine.Message, StringComparison.Ordinal);
        await innocent.SendTextAsync("""{"uid":"innocent"}""");
        await Eventually.TrueAsync(() => server.Hub.GetUser("innocent").Online, "the other network's login");
        Assert.Equal(1, await server.SendAsync("innocent", "still here"));
        Assert.Equal("still here", await innocent.ReceiveTextAsync());
        foreach (var client in held)
        {
            await client.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("127.0.0.1", "203.0.113.9")]
    [InlineData("10.0.0.5", "127.0.0.1:")]
    public async Task ConnectHook_ForwardedUpgrade_IsToldTheClientAddressOnlyFromAKnownProxy(string knownProxy, string remoteAddress)
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, """{"uid":"alice"}"""));
        await using var server = await StartServerAsync(o =>
        {
            o.ConnectHook.Url = backend.Url;
            o.ForwardedHeaders.KnownProxies.Add(knownProxy);
        });

        await using var client = await TestClient.ConnectAsync(server.WebSocketUri, options =>
        {
            options.SetRequestHeader("Cookie", "session=alice");
            options.SetRequestHeader("X-Forwarded-For", "203.0.113.9");
        });

        await Eventually.TrueAsync(() => server.Hub.GetUser("alice").Online, "the hook's login");
        Assert.StartsWith(remoteAddress, Assert.Single(backend.Requests).Json.GetProperty("remoteAddress").GetString(), StringComparison.Ordinal);
    }

    private static Task<TestClient> ConnectForwardedAsync(HeraldTestServer server, string forwarded, IPAddress? from = null, string header = "X-Forwarded-For") =>
        TestClient.ConnectAsync(server.WebSocketUri, options => options.SetRequestHeader(header, forwarded), from);
}

public sealed class ForwardedHeadersTestsThroughAspNetCore() : ForwardedHeadersTests(direct: false);

public sealed class ForwardedHeadersTestsOnDirectPath() : ForwardedHeadersTests(direct: true);
