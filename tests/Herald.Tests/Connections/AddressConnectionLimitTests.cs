using System.Net;
using System.Net.WebSockets;
using Herald.Connections;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Tests.Connections;

/// <summary>
/// <c>MaxConnectionsPerIp</c>: connections counted per client address from before their 101 until they end; one more
/// is refused with 429, <c>Retry-After</c> and problem details, on both paths alike. The clients connect from
/// different loopback addresses (127.0.0.x), with the loopback exemption off.
/// </summary>
public abstract class AddressConnectionLimitTests(bool direct) : BothWebSocketPaths(direct)
{
    private static readonly IPAddress Flooder = IPAddress.Parse("127.0.0.7");
    private static readonly IPAddress Bystander = IPAddress.Parse("127.0.0.8");

    [Fact]
    public async Task Upgrade_OneMoreThanMaxConnectionsPerIp_IsRefusedWith429AndOtherAddressesStillConnect()
    {
        await using var server = await StartServerAsync(o => (o.MaxConnectionsPerIp, o.ExemptLoopbackFromIpLimit) = (3, false));
        await using var innocent = await server.ConnectAsUserAsync("innocent", Bystander);
        var held = new List<TestClient> { await server.ConnectAsUserAsync("flooder", Flooder), await server.ConnectAsync(Flooder), await server.ConnectAsync(Flooder) };

        var refused = await UpgradeAttempt.SendAsync(server.BaseAddress, Flooder);

        Assert.Equal(429, refused.Status);
        Assert.Equal("30", refused.Header("Retry-After"));
        Assert.StartsWith("application/problem+json", refused.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal("Too many connections from this address", (string?)refused.Problem["title"]);
        Assert.Equal(429, (int?)refused.Problem["status"]);
        Assert.Equal(1, server.Hub.GetStats().LimitRefusals);
        var line = Assert.Single(server.Logs.Entries, entry => entry.EventName == "AddressConnectionLimitReached");
        Assert.Matches(@"from 127\.0\.0\.7:\d+ with 429: it has 3 connections open", line.Message);
        var failure = await Assert.ThrowsAsync<WebSocketException>(() => server.ConnectAsync(Flooder));
        Assert.Contains("429", failure.Message, StringComparison.Ordinal);

        await using var newcomer = await server.ConnectAsUserAsync("newcomer", Bystander);
        Assert.Equal(1, await server.SendAsync("innocent", "still here"));
        Assert.Equal("still here", await innocent.ReceiveTextAsync());
        Assert.Equal(1, await server.SendAsync("newcomer", "welcome"));
        Assert.Equal("welcome", await newcomer.ReceiveTextAsync());
        foreach (var client in held)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Upgrade_AfterOneOfTheAddressesConnectionsClosed_IsAcceptedAgain()
    {
        await using var server = await StartServerAsync(o => (o.MaxConnectionsPerIp, o.ExemptLoopbackFromIpLimit) = (1, false));
        var first = await server.ConnectAsUserAsync("ada", Flooder);
        Assert.Equal(429, (await UpgradeAttempt.SendAsync(server.BaseAddress, Flooder)).Status);

        await first.DisposeAsync();
        var slots = server.Services.GetRequiredService<ConnectionSlots>();
        await Eventually.TrueAsync(() => slots.Addresses == 0, "the address's slot to be given back");
        await using var second = await server.ConnectAsUserAsync("ada", Flooder);

        Assert.Equal(1, await server.SendAsync("ada", "back"));
        Assert.Equal("back", await second.ReceiveTextAsync());
    }

    [Fact]
    public async Task Upgrade_FromLoopbackWithTheDefaultExemption_IsNotCounted()
    {
        await using var server = await StartServerAsync(o => o.MaxConnectionsPerIp = 2);

        var clients = new List<TestClient>();
        for (var i = 0; i < 5; i++)
        {
            clients.Add(await server.ConnectAsUserAsync($"local-{i}", Flooder));
        }

        Assert.Equal(0, server.Services.GetRequiredService<ConnectionSlots>().Addresses);
        Assert.Equal(0, server.Hub.GetStats().LimitRefusals);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Upgrade_BurstFromOneAddress_AdmitsExactlyTheLimit()
    {
        const int limit = 5;
        const int burst = 30;
        await using var server = await StartServerAsync(o => (o.MaxConnectionsPerIp, o.ExemptLoopbackFromIpLimit) = (limit, false));
        await using var innocent = await server.ConnectAsUserAsync("innocent", Bystander);

        var attempts = await Task.WhenAll(Enumerable.Range(0, burst).Select(async _ =>
        {
            try
            {
                return await server.ConnectAsync(Flooder);
            }
            catch (WebSocketException)
            {
                return null;
            }
        }));

        var admitted = attempts.OfType<TestClient>().ToList();
        Assert.Equal(limit, admitted.Count);
        Assert.Equal(burst - limit, server.Hub.GetStats().LimitRefusals);
        Assert.Equal(1, await server.SendAsync("innocent", "unaffected"));
        Assert.Equal("unaffected", await innocent.ReceiveTextAsync());
        foreach (var client in admitted)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Slots_AfterEveryWayAConnectionEnds_AreAllGivenBack()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await StartServerAsync(o => (o.ExemptLoopbackFromIpLimit, o.MaxConnectionsPerUser) = (false, 1), clock);
        var slots = server.Services.GetRequiredService<ConnectionSlots>();
        var loggedIn = await server.ConnectAsUserAsync("ada", Flooder);

        // Closed before login; closed after login; refused at login (4005); aborted; timed out before login (4001).
        await (await server.ConnectAsync(Flooder)).DisposeAsync();
        await (await server.ConnectAsUserAsync("bob", Flooder)).DisposeAsync();
        await using var refused = await server.ConnectAsync(Bystander);
        await refused.SendTextAsync("""{"uid":"ada"}""");
        Assert.Equal(HeraldCloseCodes.TooManyConnections, await refused.ReceiveCloseAsync());
        (await server.ConnectAsync(Bystander)).Socket.Abort();
        await using var silent = await server.ConnectAsync(Bystander);
        await Eventually.TrueAsync(() => server.Hub.GetStats().Connections == 2, "the others to end");
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(HeraldCloseCodes.LoginTimeout, await silent.ReceiveCloseAsync());

        await Eventually.TrueAsync(() => slots is { Pending: 0, Addresses: 1 }, "only the logged-in connection to hold a slot");
        await loggedIn.DisposeAsync();
        await Eventually.TrueAsync(() => slots is { Pending: 0, Addresses: 0 }, "every slot to be given back");
    }
}

public sealed class AddressConnectionLimitTestsThroughAspNetCore() : AddressConnectionLimitTests(direct: false);

public sealed class AddressConnectionLimitTestsOnDirectPath() : AddressConnectionLimitTests(direct: true);
