using System.Net.WebSockets;
using Herald.WebSockets;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Tests.Routing;

public abstract class ConnectionRegistryTests(bool direct) : BothWebSocketPaths(direct)
{
    [Fact]
    public async Task LoginAndDisconnect_SameUsersChurningConcurrently_CountsReturnToZero()
    {
        await using var server = await StartServerAsync();

        // Many connections of few users come and go at once: the user entry is retired and re-created under races.
        await Parallel.ForEachAsync(Enumerable.Range(0, 400), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = TestContext.Current.CancellationToken }, async (i, _) =>
        {
            var client = await server.ConnectAsync();
            await client.SendTextAsync($$"""{"uid":"churn-{{i % 3}}"}""");
            if (i % 2 == 0)
            {
                client.Socket.Abort();
            }

            await client.DisposeAsync();
        });

        await Eventually.TrueAsync(() => server.Hub.GetStats() is { Connections: 0, Users: 0, PendingLogins: 0 }, "every churned connection to be gone");
        for (var user = 0; user < 3; user++)
        {
            Assert.False(server.Hub.GetUser($"churn-{user}").Online);
        }

        // The retired entries must not swallow later logins.
        await using var back = await server.ConnectAsUserAsync("churn-0");
        Assert.Equal(1, await server.SendAsync("churn-0", "welcome back"));
        Assert.Equal("welcome back", await back.ReceiveTextAsync());
        Assert.Equal(1, server.Hub.GetStats().Users);
    }

    [Fact]
    public async Task Upgrade_AfterShutdownBegan_IsRefusedWith503()
    {
        await using var server = await StartServerAsync();
        server.Services.GetRequiredService<WebSocketConnectionSet>().StopAccepting();

        var refusal = await Assert.ThrowsAsync<WebSocketException>(() => server.ConnectAsync());

        Assert.Contains("503", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Hub.GetStats().ConnectionsOpened);
    }
}

public sealed class ConnectionRegistryTestsThroughAspNetCore() : ConnectionRegistryTests(direct: false);

public sealed class ConnectionRegistryTestsOnDirectPath() : ConnectionRegistryTests(direct: true);
