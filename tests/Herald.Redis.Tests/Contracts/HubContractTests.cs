using System.Text.Json;
using System.Text.Json.Nodes;
using Herald.Redis.Tests.Infrastructure;
using Herald.Streams;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Redis.Tests.Contracts;

/// <summary>
/// The history, backplane and idempotency contracts, one set of tests that every implementation passes: the
/// single node in memory (<see cref="InMemoryHubContractTests"/>) and nodes on Redis (<see cref="RedisHubContractTests"/>).
/// Each publishes on node A and reads or receives on node B.
/// </summary>
public abstract class HubContractTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected abstract Task<HubUnderTest> StartAsync(Action<HeraldOptions>? configure = null);

    [Fact]
    public async Task History_OfAStreamNeverPublishedTo_HasNoEpochAndRecoversAFirstLogin()
    {
        await using var hub = await StartAsync();
        var stream = StreamId.ForUser(Unique("never"));

        var live = await ReadAsync(hub.B, stream, after: null);
        var fresh = await ReadAsync(hub.B, stream, StreamPosition.Start);
        var stale = await ReadAsync(hub.B, stream, new StreamPosition("gone", 3));

        Assert.Equal((StreamPosition.Start, (ResumeOutcome?)null), (live.Head, live.Outcome));
        Assert.Equal((StreamPosition.Start, (ResumeOutcome?)ResumeOutcome.Recovered, 0), (fresh.Head, fresh.Outcome, fresh.Messages.Count));
        Assert.Equal(ResumeOutcome.EpochChanged, stale.Outcome);
    }

    [Fact]
    public async Task History_AfterPublishesOnAnotherNode_ReplaysExactlyWhatWasPublishedAfterThePosition()
    {
        await using var hub = await StartAsync();
        var uid = Unique("replay");
        var results = new List<HeraldPublishResult>();
        results.Add(await hub.A.Hub.PublishAsync(new HeraldPublication { Users = [uid], Text = "first" }, Cancel));
        results.Add(await hub.A.Hub.PublishAsync(new HeraldPublication { Users = [uid], Json = JsonDocument.Parse("""{"n":2,"s":"zwei"}""").RootElement, Key = "job\n7" }, Cancel));
        results.Add(await hub.A.Hub.PublishAsync(new HeraldPublication { Users = [uid], Text = "dritte \u00fc \ud83d\ude00" }, Cancel));
        var epoch = results[0].Streams[0].Epoch;

        var read = await ReadAsync(hub.B, StreamId.ForUser(uid), new StreamPosition(epoch, 1));

        Assert.Equal([1L, 2L, 3L], results.Select(result => result.Streams[0].Seq));
        Assert.All(results, result => Assert.Equal(epoch, result.Streams[0].Epoch));
        Assert.Equal((new StreamPosition(epoch, 3), (ResumeOutcome?)ResumeOutcome.Recovered), (read.Head, read.Outcome));
        Assert.Equal([2L, 3L], read.Messages.Select(message => message.Seq));
        Assert.Equal([results[1].Id, results[2].Id], read.Messages.Select(message => message.Message.Id));
        Assert.Equal(("""{"n":2,"s":"zwei"}""", true, "job\n7"), (Utf8(read.Messages[0]), read.Messages[0].Message.Content.IsJson, read.Messages[0].Message.Key));
        Assert.Equal(("dritte \u00fc \ud83d\ude00", false, (string?)null), (Utf8(read.Messages[1]), read.Messages[1].Message.Content.IsJson, read.Messages[1].Message.Key));
    }

    [Fact]
    public async Task History_BeyondHistoryMaxMessages_KeepsTheNewestAndSaysTheWindowWasExceeded()
    {
        await using var hub = await StartAsync(options => options.HistoryMaxMessages = 3);
        var uid = Unique("window");
        string? epoch = null;
        for (var i = 1; i <= 5; i++)
        {
            epoch = (await hub.A.Hub.PublishAsync(new HeraldPublication { Users = [uid], Text = $"m{i}" }, Cancel)).Streams[0].Epoch;
        }

        var early = await ReadAsync(hub.B, StreamId.ForUser(uid), new StreamPosition(epoch, 1));
        var edge = await ReadAsync(hub.B, StreamId.ForUser(uid), new StreamPosition(epoch, 2));
        var fresh = await ReadAsync(hub.B, StreamId.ForUser(uid), StreamPosition.Start);

        Assert.Equal(ResumeOutcome.WindowExceeded, early.Outcome);
        Assert.Equal([3L, 4L, 5L], early.Messages.Select(message => message.Seq));
        Assert.Equal(ResumeOutcome.Recovered, edge.Outcome);
        Assert.Equal([3L, 4L, 5L], edge.Messages.Select(message => message.Seq));
        Assert.Equal(ResumeOutcome.WindowExceeded, fresh.Outcome);
    }

    [Fact]
    public async Task History_OfAStreamIdleForHistoryMaxAge_IsForgottenAndStartsANewEpoch()
    {
        await using var hub = await StartAsync(options => options.HistoryMaxAge = TimeSpan.FromMilliseconds(300));
        var uid = Unique("age");
        var first = (await hub.A.Hub.PublishAsync(new HeraldPublication { Users = [uid], Text = "old" }, Cancel)).Streams[0];

        await Eventually.TrueAsync(
            async () => (await ReadAsync(hub.B, StreamId.ForUser(uid), after: null)).Head == StreamPosition.Start,
            "the idle stream to be forgotten");
        var next = (await hub.A.Hub.PublishAsync(new HeraldPublication { Users = [uid], Text = "new" }, Cancel)).Streams[0];
        var resume = await ReadAsync(hub.B, StreamId.ForUser(uid), new StreamPosition(first.Epoch, first.Seq));

        Assert.NotEqual(first.Epoch, next.Epoch);
        Assert.Equal(1, next.Seq);
        Assert.Equal(ResumeOutcome.EpochChanged, resume.Outcome);
        Assert.Equal([1L], resume.Messages.Select(message => message.Seq));
    }

    [Fact]
    public async Task Backplane_PublishesFromBothNodesAtOnce_GiveOneSeqEachAndEverySubscriberGetsThemInSeqOrder()
    {
        await using var hub = await StartAsync();
        var uid = Unique("order");
        await using var onA = (await V1Client.LogInAsync(hub.A, uid)).Client;
        await using var onB = (await V1Client.LogInAsync(hub.B, uid)).Client;
        const int PerNode = 50;

        var publishes = Enumerable.Range(0, PerNode).SelectMany(i => new[] { hub.A, hub.B }.Select(node =>
            node.Hub.PublishAsync(new HeraldPublication { Users = [uid], Text = $"{node.BaseAddress.Port}-{i}" }, Cancel).AsTask()));
        var seqs = (await Task.WhenAll(publishes)).Select(result => result.Streams[0].Seq).Order().ToArray();

        Assert.Equal(Enumerable.Range(1, 2 * PerNode).Select(seq => (long)seq), seqs);
        foreach (var client in new[] { onA, onB })
        {
            var received = new List<long>();
            while (received.Count < 2 * PerNode)
            {
                var message = await client.ReceiveTypeAsync("message", Timeout);
                received.Add((long)message["seq"]!);
            }

            Assert.Equal(seqs, received);
        }
    }

    [Fact]
    public async Task Backplane_TopicAndBroadcast_ReachSubscribersOnTheOtherNode()
    {
        await using var hub = await StartAsync();
        var topic = Unique("topic");
        await using var subscriber = (await V1Client.LogInAsync(hub.B, Unique("reader"))).Client;
        await subscriber.SendAsync(new JsonObject { ["type"] = "subscribe", ["topic"] = topic });
        await subscriber.ReceiveTypeAsync("joined", Timeout);

        await hub.A.Hub.PublishAsync(new HeraldPublication { Topics = [topic], Text = "to the topic" }, Cancel);
        var onTopic = await subscriber.ReceiveTypeAsync("message", Timeout);
        await hub.A.Hub.PublishAsync(new HeraldPublication { Broadcast = true, Text = "to everyone" }, Cancel);
        var broadcast = await subscriber.ReceiveTypeAsync("message", Timeout);

        Assert.Equal(($"topic:{topic}", "to the topic"), ((string?)onTopic["stream"], (string?)onTopic["data"]));
        Assert.Equal(("broadcast", "to everyone"), ((string?)broadcast["stream"], (string?)broadcast["data"]));
    }

    [Fact]
    public async Task Idempotency_ARetryOnTheOtherNode_IsAnsweredWithTheFirstResultAndPublishesNothing()
    {
        await using var hub = await StartAsync();
        var uid = Unique("retry");
        var publication = new HeraldPublication { Users = [uid], Text = "once", IdempotencyKey = Unique("key") };

        var first = await hub.A.Hub.PublishAsync(publication, Cancel);
        var retry = await hub.B.Hub.PublishAsync(publication, Cancel);
        var read = await ReadAsync(hub.B, StreamId.ForUser(uid), StreamPosition.Start);

        Assert.False(first.Duplicate);
        Assert.True(retry.Duplicate);
        Assert.Equal((first.Id, first.Streams[0].Seq, first.Streams[0].Epoch), (retry.Id, retry.Streams[0].Seq, retry.Streams[0].Epoch));
        Assert.Single(read.Messages);
    }

    [Fact]
    public async Task Idempotency_AKeyReusedForAnotherMessage_IsRefusedWithTheSameWordsEverywhere()
    {
        await using var hub = await StartAsync(options => options.IdempotencyWindow = TimeSpan.FromMinutes(2));
        var key = Unique("reused");
        await hub.A.Hub.PublishAsync(new HeraldPublication { Users = [Unique("u")], Text = "one", IdempotencyKey = key }, Cancel);

        var refusal = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await hub.B.Hub.PublishAsync(new HeraldPublication { Users = [Unique("u")], Text = "another", IdempotencyKey = key }, Cancel));

        Assert.StartsWith($"idempotencyKey '{key}' was used for a different message within the last 120 s", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Idempotency_TheSameKeyOnBothNodesAtOnce_PublishesOnce()
    {
        await using var hub = await StartAsync();
        var uid = Unique("race");
        var publication = new HeraldPublication { Users = [uid], Text = "only once", IdempotencyKey = Unique("key") };

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            (i % 2 == 0 ? hub.A : hub.B).Hub.PublishAsync(publication, Cancel).AsTask()));
        var read = await ReadAsync(hub.B, StreamId.ForUser(uid), StreamPosition.Start);

        Assert.Single(results, result => !result.Duplicate);
        Assert.Single(results.Select(result => result.Id).Distinct());
        Assert.Single(read.Messages);
    }

    private static async Task<HistoryRead> ReadAsync(HeraldTestServer node, StreamId stream, StreamPosition? after) =>
        await node.Services.GetRequiredService<IHistory>().ReadAsync(stream, after, Cancel);

    private static string Utf8(StreamMessage message) => System.Text.Encoding.UTF8.GetString(message.Message.Content.Utf8.Span);

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";
}

/// <summary>The contracts on one node, in memory.</summary>
public sealed class InMemoryHubContractTests : HubContractTests
{
    protected override Task<HubUnderTest> StartAsync(Action<HeraldOptions>? configure = null) => HubUnderTest.InMemoryAsync(configure);
}

/// <summary>The contracts on two nodes sharing one Redis, with the default fan-out (Routed).</summary>
public sealed class RedisHubContractTests(SharedRedis redis) : HubContractTests
{
    protected override Task<HubUnderTest> StartAsync(Action<HeraldOptions>? configure = null) =>
        HubUnderTest.OnRedisAsync(redis.Server.ConnectionString, HeraldRedisFanout.Routed, configure);
}

/// <summary>The contracts on two nodes sharing one Redis, each stream on a sharded channel of its own.</summary>
public sealed class SubscribedRedisHubContractTests(SharedRedis redis) : HubContractTests
{
    protected override Task<HubUnderTest> StartAsync(Action<HeraldOptions>? configure = null) =>
        HubUnderTest.OnRedisAsync(redis.Server.ConnectionString, HeraldRedisFanout.Subscribed, configure);
}

/// <summary>The contracts on two nodes sharing one Redis, every message to every node.</summary>
public sealed class EverythingRedisHubContractTests(SharedRedis redis) : HubContractTests
{
    protected override Task<HubUnderTest> StartAsync(Action<HeraldOptions>? configure = null) =>
        HubUnderTest.OnRedisAsync(redis.Server.ConnectionString, HeraldRedisFanout.Everything, configure);
}

/// <summary>The contracts on two nodes on a Redis Cluster of three primaries, with the fan-out docs/scaling.md advises there.</summary>
[Collection(SharedRedisCluster.Collection)]
public sealed class RedisClusterHubContractTests(SharedRedisCluster cluster) : HubContractTests
{
    protected override Task<HubUnderTest> StartAsync(Action<HeraldOptions>? configure = null) =>
        HubUnderTest.OnRedisAsync(cluster.Cluster.ConnectionString, HeraldRedisFanout.Subscribed, configure);
}

/// <summary>The contracts on a Redis Cluster with the default fan-out: it works there too, its node channels crossing the cluster bus.</summary>
[Collection(SharedRedisCluster.Collection)]
public sealed class RoutedRedisClusterHubContractTests(SharedRedisCluster cluster) : HubContractTests
{
    protected override Task<HubUnderTest> StartAsync(Action<HeraldOptions>? configure = null) =>
        HubUnderTest.OnRedisAsync(cluster.Cluster.ConnectionString, HeraldRedisFanout.Routed, configure);
}
