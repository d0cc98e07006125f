using System.Net.WebSockets;
using Herald.Connections;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Tests.Connections;

/// <summary>
/// <c>MaxPendingLogins</c>: connections counted from before their 101 until they log in or end; beyond it an upgrade
/// is refused with 503, <c>Retry-After</c> and problem details, on both paths alike.
/// </summary>
public abstract class PendingLoginLimitTests(bool direct) : BothWebSocketPaths(direct)
{
    [Fact]
    public async Task Upgrade_WhileMaxPendingLoginsWaitToLogIn_IsRefusedWith503RetryAfterAndProblemDetails()
    {
        await using var server = await StartServerAsync(o => o.MaxPendingLogins = 3);
        await using var innocent = await server.ConnectAsUserAsync("innocent");
        var waiting = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => server.ConnectAsync()));

        var refused = await UpgradeAttempt.SendAsync(server.BaseAddress);

        Assert.Equal(503, refused.Status);
        Assert.Equal("10", refused.Header("Retry-After"));
        Assert.StartsWith("application/problem+json", refused.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal("Too many pending logins", (string?)refused.Problem["title"]);
        Assert.Equal(503, (int?)refused.Problem["status"]);
        Assert.Equal("3 connections are waiting to log in to this server, the most Herald:MaxPendingLogins allows; retry shortly.", (string?)refused.Problem["detail"]);
        Assert.Equal(1, server.Hub.GetStats().LimitRefusals);
        var line = Assert.Single(server.Logs.Entries, entry => entry.EventName == "PendingLoginLimitReached");
        Assert.Matches(@"from 127\.0\.0\.1:\d+ with 503: 3 connections are waiting to log in", line.Message);
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.EventName == "UpgradeRefused");

        // A real client sees the refusal as a failed handshake.
        var failure = await Assert.ThrowsAsync<WebSocketException>(() => server.ConnectAsync());
        Assert.Contains("503", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, await server.SendAsync("innocent", "still here"));
        Assert.Equal("still here", await innocent.ReceiveTextAsync());
        foreach (var client in waiting)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Upgrade_AfterAWaitingConnectionLoggedIn_IsAcceptedAgain()
    {
        await using var server = await StartServerAsync(o => o.MaxPendingLogins = 1);
        await using var waiting = await server.ConnectAsync();
        Assert.Equal(503, (await UpgradeAttempt.SendAsync(server.BaseAddress)).Status);

        await waiting.SendTextAsync("""{"uid":"ada"}""");
        await Eventually.TrueAsync(() => server.Hub.GetUser("ada").Online, "ada's login");
        await using var next = await server.ConnectAsUserAsync("bob");

        Assert.Equal(1, await server.SendAsync("ada", "for ada"));
        Assert.Equal("for ada", await waiting.ReceiveTextAsync());
        Assert.Equal(1, await server.SendAsync("bob", "for bob"));
        Assert.Equal("for bob", await next.ReceiveTextAsync());
    }

    [Fact]
    public async Task Upgrade_AfterTheWaitingConnectionsTimedOut_IsAcceptedAgain()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await StartServerAsync(o => o.MaxPendingLogins = 2, clock);
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        Assert.Equal(503, (await UpgradeAttempt.SendAsync(server.BaseAddress)).Status);

        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(HeraldCloseCodes.LoginTimeout, await first.ReceiveCloseAsync());
        Assert.Equal(HeraldCloseCodes.LoginTimeout, await second.ReceiveCloseAsync());
        var slots = server.Services.GetRequiredService<ConnectionSlots>();
        await Eventually.TrueAsync(() => slots.Pending == 0, "the timed-out connections' slots to be given back");
        await using var next = await server.ConnectAsUserAsync("ada");
        Assert.Equal(1, await server.SendAsync("ada", "in"));
        Assert.Equal("in", await next.ReceiveTextAsync());
    }

    [Fact]
    public async Task Upgrade_BurstBeyondMaxPendingLogins_AdmitsExactlyTheLimit()
    {
        const int limit = 5;
        const int burst = 30;
        await using var server = await StartServerAsync(o => o.MaxPendingLogins = limit);
        await using var innocent = await server.ConnectAsUserAsync("innocent");

        var attempts = await Task.WhenAll(Enumerable.Range(0, burst).Select(async _ =>
        {
            try
            {
                return await server.ConnectAsync();
            }
            catch (WebSocketException)
            {
                return null;
            }
        }));

        var admitted = attempts.OfType<TestClient>().ToList();
        Assert.Equal(limit, admitted.Count);
        Assert.Equal(burst - limit, server.Hub.GetStats().LimitRefusals);
        Assert.Equal(limit, server.Services.GetRequiredService<ConnectionSlots>().Pending);
        Assert.Equal(1, await server.SendAsync("innocent", "unaffected"));
        Assert.Equal("unaffected", await innocent.ReceiveTextAsync());
        foreach (var client in admitted)
        {
            await client.DisposeAsync();
        }

        await Eventually.TrueAsync(() => server.Services.GetRequiredService<ConnectionSlots>().Pending == 0, "every slot to be given back");
    }

    [Fact]
    public async Task Upgrade_RefusedByALimit_IsDeclinedByTheDirectPathAndAnsweredOnceByAspNetCore()
    {
        await using var server = await StartServerAsync(o => o.MaxPendingLogins = 1);
        var waiting = await server.ConnectAsync();

        Assert.Equal(503, (await UpgradeAttempt.SendAsync(server.BaseAddress)).Status);

        // Counted once, and no slot kept for it on either path: once the one waiting connection leaves, none is held.
        Assert.Equal(1, server.Hub.GetStats().LimitRefusals);
        Assert.Equal(Direct, server.Logs.Entries.Any(entry => entry.EventName == "UpgradeDeclined" && entry.Message.EndsWith(": RefusedByLimit", StringComparison.Ordinal)));
        await waiting.DisposeAsync();
        var slots = server.Services.GetRequiredService<ConnectionSlots>();
        await Eventually.TrueAsync(() => slots.Pending == 0, "the waiting connection's slot to be given back");
    }
}

public sealed class PendingLoginLimitTestsThroughAspNetCore() : PendingLoginLimitTests(direct: false);

public sealed class PendingLoginLimitTestsOnDirectPath() : PendingLoginLimitTests(direct: true);
