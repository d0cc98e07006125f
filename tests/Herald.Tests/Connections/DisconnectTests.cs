using System.Net.WebSockets;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Connections;

public abstract class DisconnectTests(bool direct) : BothWebSocketPaths(direct)
{
    [Fact]
    public async Task Close_ClientClosesNormally_TieIsRemovedAndServerAnswers1000()
    {
        await using var server = await StartServerAsync();
        var client = await server.ConnectAsUserAsync("leaving");

        await client.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", TestContext.Current.CancellationToken);

        Assert.Equal(WebSocketState.Closed, client.Socket.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.Socket.CloseStatus);
        await Eventually.TrueAsync(() => server.Hub.GetStats() is { Connections: 0, Users: 0 }, "the connection to be removed");
        Assert.Equal(0, await server.SendAsync("leaving", "too late"));
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Abort_ManyClientsDropWithoutCloseHandshake_LeaveNoEntryBehind()
    {
        await using var server = await StartServerAsync();
        var clients = new List<TestClient>();
        for (var i = 0; i < 50; i++)
        {
            clients.Add(await server.ConnectAsUserAsync($"user-{i % 10}"));
        }

        Assert.Equal(10, server.Hub.GetStats().Users);
        foreach (var client in clients)
        {
            client.Socket.Abort();
        }

        await Eventually.TrueAsync(
            () => server.Hub.GetStats() is { Connections: 0, Users: 0, PendingLogins: 0 },
            "every aborted connection to be removed");
        for (var i = 0; i < 10; i++)
        {
            Assert.False(server.Hub.GetUser($"user-{i}").Online);
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Abort_ConnectionNeverLoggedIn_IsRemoved()
    {
        await using var server = await StartServerAsync();
        var client = await server.ConnectAsync();
        await Eventually.TrueAsync(() => server.Hub.GetStats().PendingLogins == 1, "the connection to be accepted");

        client.Socket.Abort();

        await Eventually.TrueAsync(() => server.Hub.GetStats() is { Connections: 0, PendingLogins: 0 }, "the connection to be removed");
        await client.DisposeAsync();
    }

    [Fact]
    public async Task KeepAlive_PeerStopsAnsweringPings_IsDroppedWhileAnsweringPeerStays()
    {
        await using var server = await StartServerAsync(o =>
        {
            o.KeepAliveInterval = TimeSpan.FromMilliseconds(200);
            o.KeepAliveTimeout = TimeSpan.FromMilliseconds(300);
        });

        // A ClientWebSocket answers pings only while a receive is pending: this one never receives, so it goes silent.
        await using var silent = await server.ConnectAsUserAsync("silent");
        await using var alive = await server.ConnectAsUserAsync("alive");
        var aliveReceive = alive.ReceiveTextAsync(TimeSpan.FromSeconds(30));

        await Eventually.TrueAsync(() => !server.Hub.GetUser("silent").Online, "the silent peer to be dropped");

        Assert.True(server.Hub.GetUser("alive").Online);
        Assert.Equal(1, await server.SendAsync("alive", "you answered"));
        Assert.Equal("you answered", await aliveReceive);
    }
}

public sealed class DisconnectTestsThroughAspNetCore() : DisconnectTests(direct: false);

public sealed class DisconnectTestsOnDirectPath() : DisconnectTests(direct: true);
