using Herald.Redis.Tests.Infrastructure;
using StackExchange.Redis;

namespace Herald.Redis.Tests.Failures;

/// <summary>
/// A node's subscription connection is cut by Redis while another node publishes: pub/sub does not keep what the
/// node missed, so the node repairs its streams from the history after its reconnect, and its herald.v1 clients
/// get every message once and in order; when the history no longer holds all it missed, they are closed with 4007
/// and their resume says so.
/// </summary>
public sealed class PubSubGapTests
{
    private const int HistoryMaxMessages = 10;
    private const string NodeName = "cut-node";
    private static readonly TimeSpan Receive = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 90_000)]
    public async Task SubscriptionCut_MessagesPublishedElsewhere_CaughtUpOnceInOrder()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var setup = await StartAsync();
        var (cut, publisher, admin) = (setup.Cut, setup.Publisher, setup.Admin);
        await using var reader = new ResumingReader("gus");
        await reader.LogInAsync(cut.WebSocketUri, fromStart: true);
        await FailureNode.PublishOkAsync(publisher, "gus", "1", cancellation);
        await reader.ReadUntilCountAsync(1, Receive);

        await CutAsync(admin);
        for (var i = 2; i <= HistoryMaxMessages - 1; i++)
        {
            await FailureNode.PublishOkAsync(publisher, "gus", $"{i}", cancellation);
        }

        await ReconnectAsync(admin);
        await reader.ReadUntilCountAsync(HistoryMaxMessages - 1, Receive);
        await FailureNode.PublishOkAsync(publisher, "gus", "after", cancellation);
        await reader.ReadUntilCountAsync(HistoryMaxMessages, Receive);
        Assert.Equal([.. Enumerable.Range(1, HistoryMaxMessages - 1).Select(i => $"{i}"), "after"], reader.Received);
    }

    [Fact(Timeout = 90_000)]
    public async Task SubscriptionCut_MoreThanTheHistoryPublished_ClosedWith4007_ResumeSaysWindowExceeded()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var setup = await StartAsync();
        var (cut, publisher, admin) = (setup.Cut, setup.Publisher, setup.Admin);
        await using var reader = new ResumingReader("hal");
        await reader.LogInAsync(cut.WebSocketUri, fromStart: true);
        await FailureNode.PublishOkAsync(publisher, "hal", "1", cancellation);
        await reader.ReadUntilCountAsync(1, Receive);

        await CutAsync(admin);
        const int missed = (2 * HistoryMaxMessages) + 5;
        for (var i = 2; i <= missed + 1; i++)
        {
            await FailureNode.PublishOkAsync(publisher, "hal", $"{i}", cancellation);
        }

        await ReconnectAsync(admin);
        Assert.Equal(HeraldCloseCodes.ResumeRequired, await reader.ReadUntilClosedAsync(Receive));
        Assert.Equal(["1"], reader.Received);

        var joined = await reader.LogInAsync(cut.WebSocketUri);
        Assert.False((bool?)joined["recovered"], joined.ToJsonString());
        Assert.Equal("window_exceeded", (string?)joined["reason"]);
    }

    private static async Task CutAsync(IDatabase admin)
    {
        var clients = (string)(await admin.ExecuteAsync("CLIENT", "LIST", "TYPE", "pubsub"))!;
        var line = clients.Split('\n').Single(line => line.Contains($" name={NodeName} ", StringComparison.Ordinal));

        // Over RESP3 the list is a verbatim string: its first line starts "txt:id=...".
        var id = line.Split([' ', ':']).Single(field => field.StartsWith("id=", StringComparison.Ordinal))["id=".Length..];

        // In one step: the subscription cut, and Redis refusing new connections, so that it stays cut while the
        // test publishes; the connections already open (the other node's, the node's own commands) carry on.
        var transaction = admin.CreateTransaction();
        var kill = transaction.ExecuteAsync("CLIENT", "KILL", "ID", id);
        var full = transaction.ExecuteAsync("CONFIG", "SET", "maxclients", "1");
        Assert.True(await transaction.ExecuteAsync());
        Assert.Equal(1, (long)await kill);
        await full;
    }

    private static async Task ReconnectAsync(IDatabase admin) => await admin.ExecuteAsync("CONFIG", "SET", "maxclients", "10000");

    private static async Task<Setup> StartAsync()
    {
        var redis = await RedisServer.StartAsync();
        var connection = await redis.ConnectAsync(options => options.AllowAdmin = true);
        var prefix = RedisTestPrefix.New();
        Action<HeraldOptions> history = options => options.HistoryMaxMessages = HistoryMaxMessages;
        var cut = await FailureNode.StartAsync(redis, prefix, history, $"name={NodeName}");
        var publisher = await FailureNode.StartAsync(redis, prefix, history);
        return new Setup(redis, connection, cut, publisher);
    }

    private sealed record Setup(RedisServer Redis, ConnectionMultiplexer Connection, HeraldTestServer Cut, HeraldTestServer Publisher) : IAsyncDisposable
    {
        public IDatabase Admin => Connection.GetDatabase();

        public async ValueTask DisposeAsync()
        {
            await Cut.DisposeAsync();
            await Publisher.DisposeAsync();
            await Connection.DisposeAsync();
            await Redis.DisposeAsync();
        }
    }
}
