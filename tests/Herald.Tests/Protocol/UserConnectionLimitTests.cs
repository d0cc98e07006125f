using System.Net.WebSockets;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Protocol;

/// <summary><c>MaxConnectionsPerUser</c>: a login beyond it is closed with 4005, and no one else notices.</summary>
public abstract class UserConnectionLimitTests(bool direct) : BothWebSocketPaths(direct)
{
    [Fact]
    public async Task Login_OneMoreThanMaxConnectionsPerUser_ClosesWith4005AndOthersKeepReceiving()
    {
        await using var server = await StartServerAsync(o => o.MaxConnectionsPerUser = 3);
        await using var innocent = await server.ConnectAsUserAsync("innocent");
        var kept = new List<TestClient>();
        for (var i = 0; i < 3; i++)
        {
            kept.Add(await server.ConnectAsUserAsync("greedy"));
        }

        await using var refused = await server.ConnectAsync();
        await refused.SendTextAsync("""{"uid":"greedy"}""");

        Assert.Equal(HeraldCloseCodes.TooManyConnections, await refused.ReceiveCloseAsync());
        Assert.Equal("too many connections for this user", refused.Socket.CloseStatusDescription);
        Assert.Equal(3, server.Hub.GetUser("greedy").Connections);
        Assert.Equal(1, server.Hub.GetStats().LimitRefusals);
        var line = Assert.Single(server.Logs.Entries, entry => entry.EventName == "UserConnectionLimitReached");
        Assert.Contains("user greedy already has 3 connections on this node", line.Message, StringComparison.Ordinal);

        Assert.Equal(1, await server.SendAsync("innocent", "still here"));
        Assert.Equal("still here", await innocent.ReceiveTextAsync());
        Assert.Equal(3, await server.SendAsync("greedy", "to the three"));
        foreach (var client in kept)
        {
            Assert.Equal("to the three", await client.ReceiveTextAsync());
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Login_AfterOneOfTheUsersConnectionsClosed_IsAcceptedAgain()
    {
        await using var server = await StartServerAsync(o => o.MaxConnectionsPerUser = 1);
        var first = await server.ConnectAsUserAsync("ada");
        await first.DisposeAsync();
        await Eventually.TrueAsync(() => !server.Hub.GetUser("ada").Online, "the first connection to leave");

        await using var second = await server.ConnectAsUserAsync("ada");

        Assert.Equal(1, await server.SendAsync("ada", "welcome back"));
        Assert.Equal("welcome back", await second.ReceiveTextAsync());
        Assert.Equal(0, server.Hub.GetStats().LimitRefusals);
    }

    [Fact]
    public async Task Login_HeraldV1OverTheLimit_ClosesWith4005BeforeWelcome()
    {
        await using var server = await StartServerAsync(o => o.MaxConnectionsPerUser = 1);
        var (first, _, _) = await V1Client.LogInAsync(server, "ada");
        await using var _ = first;
        await using var second = await V1Client.ConnectAsync(server);

        await second.SendTextAsync("""{"type":"login","uid":"ada"}""");

        var (type, _) = await second.Raw.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal(HeraldCloseCodes.TooManyConnections, (int?)second.Raw.Socket.CloseStatus);
        Assert.Equal("too many connections for this user", second.Raw.Socket.CloseStatusDescription);
        Assert.Equal(1, await server.SendAsync("ada", "first only"));
        Assert.Equal("first only", (string?)(await first.ReceiveTypeAsync("message"))["data"]);
    }

    [Fact]
    public async Task Login_BurstOfConcurrentLoginsForOneUser_AdmitsExactlyTheLimit()
    {
        const int limit = 5;
        const int burst = 40;
        await using var server = await StartServerAsync(o => o.MaxConnectionsPerUser = limit);
        await using var innocent = await server.ConnectAsUserAsync("innocent");
        var clients = await Task.WhenAll(Enumerable.Range(0, burst).Select(_ => server.ConnectAsync()));

        // Every login in flight at once: the count and the add share one lock, so none can slip past the limit.
        await Task.WhenAll(clients.Select(client => client.SendTextAsync("""{"uid":"burst"}""")));
        await Eventually.TrueAsync(() => server.Hub.GetStats().LimitRefusals == burst - limit, "every login over the limit to be refused");

        Assert.Equal(limit, server.Hub.GetUser("burst").Connections);
        Assert.Equal(limit, await server.SendAsync("burst", "admitted"));
        var outcomes = await Task.WhenAll(clients.Select(async client =>
        {
            var (type, text) = await client.ReceiveAsync();
            return type == WebSocketMessageType.Close ? $"close {(int?)client.Socket.CloseStatus}" : text;
        }));
        Assert.Equal(limit, outcomes.Count(outcome => outcome == "admitted"));
        Assert.Equal(burst - limit, outcomes.Count(outcome => outcome == $"close {HeraldCloseCodes.TooManyConnections}"));
        Assert.Equal(1, await server.SendAsync("innocent", "unaffected"));
        Assert.Equal("unaffected", await innocent.ReceiveTextAsync());
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }
}

public sealed class UserConnectionLimitTestsThroughAspNetCore() : UserConnectionLimitTests(direct: false);

public sealed class UserConnectionLimitTestsOnDirectPath() : UserConnectionLimitTests(direct: true);
