using System.Diagnostics;
using System.Net;
using Herald.Redis.Tests.Infrastructure;

namespace Herald.Redis.Tests.Failures;

/// <summary>
/// Redis stopped, restarted without its data, or frozen: the node keeps its connections, refuses publishes with a
/// quick 503, reports not ready, and once Redis is back serves again and its clients resume without a silent gap.
/// Each test has a Redis of its own, which it stops, restarts or pauses.
/// </summary>
public sealed class RedisOutageTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Receive = TimeSpan.FromSeconds(15);

    [Fact(Timeout = 60_000)]
    public async Task RedisStopped_PublishRefusedNotReady_BackWithItsData_NothingLost()
    {
        await using var redis = await RedisServer.StartAsync(persistent: true);
        await using var node = await FailureNode.StartAsync(redis, RedisTestPrefix.New());
        await using var seed = await node.ConnectAsUserAsync("sam");
        await using var reader = new ResumingReader("ann");
        await reader.LogInAsync(node.WebSocketUri, fromStart: true);
        await FailureNode.PublishOkAsync(node, "ann", "1", TestContext.Current.CancellationToken);
        await FailureNode.PublishOkAsync(node, "ann", "2", TestContext.Current.CancellationToken);
        await reader.ReadUntilCountAsync(2, Receive);

        await redis.StopAsync();

        var refused = await FailureNode.PublishRefusedAsync(node, "ann", "lost", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await FailureNode.ReadyzAsync(node));
        using (var send = await node.Http.GetAsync("/send?uid=sam&message=x", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, send.StatusCode);
        }

        // The cluster-wide lookups cannot be answered from this node alone: 503 too, never a partial answer or a 500.
        foreach (var lookup in new[] { "/api/v1/stats", "/api/v1/users/ann" })
        {
            using var answer = await node.Http.GetAsync(lookup, TestContext.Current.CancellationToken);
            Assert.Equal((HttpStatusCode.ServiceUnavailable, "application/problem+json"), (answer.StatusCode, answer.Content.Headers.ContentType?.MediaType));
            Assert.NotNull(answer.Headers.RetryAfter);
        }

        // The seed connection stays open through the outage: a message from this node still reaches it once Redis is back.
        var restarted = Stopwatch.StartNew();
        await redis.RestartAsync();
        await Eventually.TrueAsync(async () => await FailureNode.ReadyzAsync(node) == HttpStatusCode.OK, "/readyz to recover", TestTimeout);
        var ready = restarted.Elapsed;
        await FailureNode.PublishOkAsync(node, "ann", "3", TestContext.Current.CancellationToken);
        Assert.Equal(1, await node.SendAsync("sam", "still here"));
        Assert.Equal("still here", await seed.ReceiveTextAsync(Receive));

        // The herald.v1 client connected through the outage gets what came after, once, in order.
        await reader.ReadUntilCountAsync(3, Receive);
        Assert.Equal(["1", "2", "3"], reader.Received);
        await FailureNode.PublishOkAsync(node, "ann", "4", TestContext.Current.CancellationToken);
        await reader.ReadUntilCountAsync(4, Receive);

        // A reconnect resuming from its position misses nothing and repeats nothing: Redis kept the stream.
        var joined = await reader.LogInAsync(node.WebSocketUri);
        Assert.True((bool?)joined["recovered"], joined.ToJsonString());
        await FailureNode.PublishOkAsync(node, "ann", "5", TestContext.Current.CancellationToken);
        await reader.ReadUntilCountAsync(5, Receive);
        Assert.Equal(["1", "2", "3", "4", "5"], reader.Received);
        TestContext.Current.SendDiagnosticMessage($"503 after {refused.TotalMilliseconds:0} ms; ready {ready.TotalMilliseconds:0} ms after the restart began");
    }

    [Fact(Timeout = 60_000)]
    public async Task RedisRestartedWithoutData_ResumeSaysEpochChanged_LiveClientsGetNewMessages()
    {
        await using var redis = await RedisServer.StartAsync(persistent: false);
        await using var node = await FailureNode.StartAsync(redis, RedisTestPrefix.New());
        await using var live = new ResumingReader("bea");
        await live.LogInAsync(node.WebSocketUri, fromStart: true);
        await using var resuming = new ResumingReader("bea");
        await resuming.LogInAsync(node.WebSocketUri, fromStart: true);
        await FailureNode.PublishOkAsync(node, "bea", "1", TestContext.Current.CancellationToken);
        await FailureNode.PublishOkAsync(node, "bea", "2", TestContext.Current.CancellationToken);
        await resuming.ReadUntilCountAsync(2, Receive);
        await live.ReadUntilCountAsync(2, Receive);
        var oldEpoch = resuming.Epoch;
        await resuming.CloseAsync();

        await redis.RestartAsync();
        await Eventually.TrueAsync(async () => await FailureNode.ReadyzAsync(node) == HttpStatusCode.OK, "/readyz to recover", TestTimeout);
        await FailureNode.PublishOkAsync(node, "bea", "new 1", TestContext.Current.CancellationToken);

        // The live client goes on with the new epoch (its first message, seq 1, follows nothing of it).
        await live.ReadUntilCountAsync(3, Receive);
        Assert.Equal(["1", "2", "new 1"], live.Received);
        Assert.NotEqual(oldEpoch, live.Epoch);

        // The resuming one is told that what it had cannot be continued, never handed a silent gap.
        var joined = await resuming.LogInAsync(node.WebSocketUri);
        Assert.False((bool?)joined["recovered"], joined.ToJsonString());
        Assert.Equal("epoch_changed", (string?)joined["reason"]);
        Assert.Equal(live.Epoch, (string?)joined["epoch"]);
        await resuming.ReadUntilCountAsync(3, Receive);
        Assert.Equal(["1", "2", "new 1"], resuming.Received);
    }

    [Fact(Timeout = 60_000)]
    public async Task RedisPaused_PublishRefusedWithinTheTimeout_ResumedWorks()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var node = await FailureNode.StartAsync(redis, RedisTestPrefix.New());
        await using var reader = new ResumingReader("cal");
        await reader.LogInAsync(node.WebSocketUri, fromStart: true);
        await FailureNode.PublishOkAsync(node, "cal", "1", TestContext.Current.CancellationToken);

        await redis.PauseAsync();
        TimeSpan refused;
        try
        {
            refused = await FailureNode.PublishRefusedAsync(node, "cal", "maybe", TestContext.Current.CancellationToken);
        }
        finally
        {
            await redis.ResumeAsync();
        }

        await Eventually.TrueAsync(async () => await FailureNode.ReadyzAsync(node) == HttpStatusCode.OK, "/readyz once Redis runs again", TestTimeout);
        await FailureNode.PublishOkAsync(node, "cal", "2", TestContext.Current.CancellationToken);

        // The refused publish was sent and may have run once Redis woke: a 503 there means "not known", which the
        // docs say; either way the reader gets each message once and in order.
        await reader.ReadUntilAsync(received => received[^1] == "2", Receive);
        Assert.True(reader.Received is ["1", "2"] or ["1", "maybe", "2"], string.Join(",", reader.Received));
        TestContext.Current.SendDiagnosticMessage($"503 after {refused.TotalMilliseconds:0} ms while Redis was paused");
    }
}
