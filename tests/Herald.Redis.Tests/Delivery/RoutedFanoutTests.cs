using System.Text;
using Herald.Redis.Tests.Infrastructure;
using Herald.Streams;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Herald.Redis.Tests.Delivery;

/// <summary>
/// <see cref="HeraldRedisFanout.Routed"/>: a stream's message goes to the channels of the nodes its presence counts,
/// so a node receives only its own streams; and a node whose presence went missing while it lived (cleaned up as
/// gone after a stall) gets what was published meanwhile once it has written its presence again.
/// </summary>
public sealed class RoutedFanoutTests(SharedRedis redis)
{
    private static readonly TimeSpan Receive = TimeSpan.FromSeconds(10);

    [Fact(Timeout = 60_000)]
    public async Task Publish_GoesOnlyToTheChannelsOfNodesWithTheStreamsConnections()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var prefix = RedisTestPrefix.New();
        await using var cluster = await StartClusterAsync(prefix, TimeSpan.FromSeconds(5));
        var (a, b) = (cluster[0].Server, cluster[1].Server);
        await using var ann = await a.ConnectAsUserAsync("ann");
        await using var bob = await b.ConnectAsUserAsync("bob");
        await WhenReadyAsync(a, "ann", cancellation);
        await WhenReadyAsync(b, "bob", cancellation);
        var onA = await redis.Connection.GetSubscriber().SubscribeAsync(RedisChannel.Literal($"{prefix}:node:{NodeId(a)}"));
        try
        {
            await b.Hub.PublishAsync(new HeraldPublication { Users = ["bob"], Text = "for bob" }, cancellation);
            await b.Hub.PublishAsync(new HeraldPublication { Users = ["ann"], Text = "for ann" }, cancellation);

            // Redis sends one subscriber's messages in the order it published them: bob's would come first.
            var first = await onA.ReadAsync(cancellation).AsTask().WaitAsync(Receive, cancellation);
            Assert.Contains("for ann", Encoding.UTF8.GetString((byte[])first.Message!), StringComparison.Ordinal);
            Assert.Equal("for ann", await ann.ReceiveTextAsync());
            Assert.Equal("for bob", await bob.ReceiveTextAsync());
        }
        finally
        {
            await onA.UnsubscribeAsync();
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task BurstOfFirstLogins_EachStreamIsReadyOnlyOnceItsPresenceFieldIsInRedis()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var prefix = RedisTestPrefix.New();
        await using var cluster = await StartClusterAsync(prefix, TimeSpan.FromSeconds(5));
        var node = cluster[0].Server;
        var id = NodeId(node);
        var channels = node.Services.GetRequiredService<StreamChannels>();
        var users = Enumerable.Range(0, 300).Select(i => $"ready-{i}").ToArray();

        // A stream is ready when a message published from then on reaches the node: with Routed, when the node's
        // field is in the stream's presence hash. Checked the moment each stream is ready, before anything else runs.
        var checks = new List<Task<bool>>();
        await using var clients = await ClientGroup.ConnectAsync(users, async user =>
        {
            var client = await node.ConnectAsUserAsync(user);

            // The hub counts the connection a moment before the node counts it on the stream and starts watching it.
            var stream = StreamId.ForUser(user);
            await Eventually.TrueAsync(() => channels.CountOf(stream) > 0, $"{user}'s stream to be watched");
            lock (checks)
            {
                checks.Add(channels.WhenReadyAsync(stream)
                    .ContinueWith(_ => redis.Database.HashExistsAsync($"{prefix}:{{{stream.Name}}}:presence", id), cancellation, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                    .Unwrap());
            }

            return client;
        });

        Assert.All(await Task.WhenAll(checks), Assert.True);
    }

    [Fact(Timeout = 60_000)]
    public async Task NodeCleanedUpAsGone_WhatWasPublishedMeanwhileReachesItsConnectionOnceInOrder()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var prefix = RedisTestPrefix.New();
        await using var cluster = await StartClusterAsync(prefix, TimeSpan.FromMilliseconds(500));
        var (sleeping, publishing) = (cluster[0].Server, cluster[1].Server);
        var id = NodeId(sleeping);
        await using var client = await sleeping.ConnectAsUserAsync("sleeper");
        await WhenReadyAsync(sleeping, "sleeper", cancellation);
        var presence = (RedisKey)$"{prefix}:{{user:sleeper}}:presence";
        await Eventually.TrueAsync(async () => (await redis.Database.HashGetAsync(presence, id)).HasValue, "the node's presence field");

        // What another node's janitor does to a node that stalled past NodeTimeout. The node's next heartbeat may
        // come between the removal and the publish, which then reaches it as usual: tried until a publish finds no field.
        var published = new List<string>();
        for (var attempt = 0; ; attempt++)
        {
            Assert.True(attempt < 10, "no publish found the node's presence removed");
            await redis.Database.SortedSetRemoveAsync($"{prefix}:{{nodes}}:nodes", id);
            await redis.Database.KeyDeleteAsync([$"{prefix}:{{nodes}}:node:{id}", $"{prefix}:{{nodes}}:node:{id}:streams"]);
            await redis.Database.HashDeleteAsync(presence, id);
            var text = $"while gone {attempt}";
            var result = await publishing.Hub.PublishAsync(new HeraldPublication { Users = ["sleeper"], Text = text }, cancellation);
            published.Add(text);
            if (result.Delivered == 0)
            {
                break;
            }
        }

        // No later message shows the gap: the node's catch-up after writing its presence again must find it.
        var received = new List<string>();
        while (received.Count < published.Count)
        {
            received.Add(await client.ReceiveTextAsync(Receive));
        }

        Assert.Equal(published, received);
        Assert.Equal(1, (int)await redis.Database.HashGetAsync(presence, id));

        // A duplicate would come right behind them.
        await publishing.Hub.PublishAsync(new HeraldPublication { Users = ["sleeper"], Text = "after" }, cancellation);
        Assert.Equal("after", await client.ReceiveTextAsync(Receive));
    }

    private Task<HeraldCluster> StartClusterAsync(string prefix, TimeSpan heartbeat) => HeraldCluster.StartAsync(
        2,
        HeraldRedisSettings.For(redis.Server, prefix, new Dictionary<string, string?>
        {
            ["Herald:Redis:Fanout"] = nameof(HeraldRedisFanout.Routed),
            ["Herald:Redis:NodeHeartbeatInterval"] = heartbeat.ToString(),
            ["Herald:Redis:NodeTimeout"] = (heartbeat * 3).ToString(),
        }),
        configureBuilder: static builder => builder.Services.AddHerald().AddRedis());

    private static Task WhenReadyAsync(HeraldTestServer server, string uid, CancellationToken cancellation) =>
        server.Services.GetRequiredService<StreamChannels>().WhenReadyAsync(StreamId.ForUser(uid)).WaitAsync(Receive, cancellation);

    private static string NodeId(HeraldTestServer server) => server.Services.GetRequiredService<RedisConnection>().NodeId;
}
