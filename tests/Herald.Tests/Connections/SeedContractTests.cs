using System.Net.WebSockets;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Connections;

/// <summary>The seed's demo and its promise: a push reaches every connection of its user, and nobody else.</summary>
public abstract class SeedContractTests(bool direct) : BothWebSocketPaths(direct)
{
    [Fact]
    public async Task SeedDemo_LoginThenSend_DeliversHelloWorldAsRawTextFrame()
    {
        await using var server = await StartServerAsync();
        await using var browser = await server.ConnectAsync();
        await browser.SendTextAsync("""{"uid":"123"}""");
        await Eventually.TrueAsync(() => server.Hub.GetUser("123").Online, "user 123 to log in");

        using var response = await server.Http.GetAsync("/send?uid=123&message=Hello%20World", TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"delivered":1}""", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var (type, text) = await browser.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal("Hello World", text);
    }

    [Fact]
    public async Task Send_UserWithTwoConnections_BothReceiveAndOtherUserReceivesNothing()
    {
        await using var server = await StartServerAsync();
        await using var tab1 = await server.ConnectAsUserAsync("alice");
        await using var tab2 = await server.ConnectAsUserAsync("alice");
        await using var bob = await server.ConnectAsUserAsync("bob");

        var delivered = await server.SendAsync("alice", "for alice");

        Assert.Equal(2, delivered);
        Assert.Equal("for alice", await tab1.ReceiveTextAsync());
        Assert.Equal("for alice", await tab2.ReceiveTextAsync());
        await bob.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task Send_UserWithoutConnections_ReportsZeroDelivered()
    {
        await using var server = await StartServerAsync();

        Assert.Equal(0, await server.SendAsync("nobody", "hello?"));
        Assert.Equal(1, server.Hub.GetStats().MessagesPublished);
    }

    [Fact]
    public async Task Send_ManyUnicodeCharacters_ArriveByteForByte()
    {
        await using var server = await StartServerAsync();
        await using var client = await server.ConnectAsUserAsync("用户-1");
        const string message = "订单 #42 已发货 ✓ — naïve café 🚀";

        Assert.Equal(1, await server.SendAsync("用户-1", message));

        Assert.Equal(message, await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Send_ThousandConnectionsOfTwoHundredUsersConcurrently_EachConnectionGetsExactlyItsUsersMessagesOnceInOrder()
    {
        const int users = 200;
        const int connectionsPerUser = 5;
        const int messagesPerUser = 20;
        await using var server = await StartServerAsync();
        var clients = new TestClient[users][];
        await Parallel.ForEachAsync(Enumerable.Range(0, users), TestContext.Current.CancellationToken, async (user, _) =>
        {
            clients[user] = new TestClient[connectionsPerUser];
            for (var c = 0; c < connectionsPerUser; c++)
            {
                clients[user][c] = await server.ConnectAsync();
                await clients[user][c].SendTextAsync($$"""{"uid":"user-{{user}}"}""");
            }
        });
        await Eventually.TrueAsync(
            () => server.Hub.GetStats() is { Users: users, PendingLogins: 0, Connections: users * connectionsPerUser },
            "all 1,000 connections to log in");

        try
        {
            var receiving = clients.SelectMany((userClients, user) => userClients.Select(client => ReceiveAllAsync(client, messagesPerUser))).ToArray();
            var delivered = await Task.WhenAll(Enumerable.Range(0, users).Select(async user =>
            {
                var total = 0;
                for (var m = 0; m < messagesPerUser; m++)
                {
                    total += await server.SendAsync($"user-{user}", $"user-{user}:{m}");
                }

                return total;
            }));
            var received = await Task.WhenAll(receiving);

            Assert.All(delivered, total => Assert.Equal(connectionsPerUser * messagesPerUser, total));
            for (var user = 0; user < users; user++)
            {
                var expected = Enumerable.Range(0, messagesPerUser).Select(m => $"user-{user}:{m}").ToArray();
                for (var c = 0; c < connectionsPerUser; c++)
                {
                    Assert.Equal(expected, received[(user * connectionsPerUser) + c]);
                }
            }

            // Nothing extra arrives after the expected messages: the stats agree with what clients counted.
            await Eventually.TrueAsync(
                () => server.Hub.GetStats().MessagesDelivered == users * connectionsPerUser * messagesPerUser,
                "the server to count every delivery");
            Assert.Equal(users * connectionsPerUser * messagesPerUser, server.Hub.GetStats().MessagesQueued);
        }
        finally
        {
            await Task.WhenAll(clients.SelectMany(c => c).Select(c => c.DisposeAsync().AsTask()));
        }

        await Eventually.TrueAsync(() => server.Hub.GetStats() is { Connections: 0, Users: 0 }, "every connection to be gone");
    }

    private static async Task<string[]> ReceiveAllAsync(TestClient client, int count)
    {
        var messages = new string[count];
        for (var i = 0; i < count; i++)
        {
            messages[i] = await client.ReceiveTextAsync(TimeSpan.FromSeconds(30));
        }

        return messages;
    }
}

public sealed class SeedContractTestsThroughAspNetCore() : SeedContractTests(direct: false);

public sealed class SeedContractTestsOnDirectPath() : SeedContractTests(direct: true);
