using Herald.Redis.Tests.Infrastructure;
using Herald.Streams;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Redis.Tests.Delivery;

/// <summary>
/// A burst of logins, each a user's first connection on the node, starts watching their streams in batches
/// (<see cref="WatchStarts"/>): the heads are read several streams to a script call, more than one call's worth
/// here. Each user gets what was published once its stream was started exactly once, what came during the start
/// at most once, and nothing from before its login.
/// </summary>
public sealed class WatchStartTests(SharedRedis redis)
{
    // More than one head-read call's worth (256), so a batch spans several calls.
    private const int Users = 300;

    [Theory(Timeout = 120_000)]
    [ClassData(typeof(EveryFanout))]
    public async Task BurstOfFirstLogins_EachUserGetsWhatCameAfterItsLoginOnce(HeraldRedisFanout fanout)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var prefix = RedisTestPrefix.New();
        var settings = HeraldRedisSettings.For(redis.Server, prefix, new Dictionary<string, string?> { ["Herald:Redis:Fanout"] = fanout.ToString() });
        await using var publisher = await HeraldNode.StartAsync(settings, static builder => builder.Services.AddHerald().AddRedis(), name: "publisher");
        await using var watcher = await HeraldNode.StartAsync(settings, static builder => builder.Services.AddHerald().AddRedis(), name: "watcher");
        var users = Enumerable.Range(0, Users).Select(i => $"burst-{i}").ToArray();

        // Every other user has a history already: its head is not where a new stream's is.
        foreach (var user in users.Where((_, i) => i % 2 == 0))
        {
            await publisher.Server.Hub.PublishAsync(new HeraldPublication { Users = [user], Text = "before" }, cancellation);
        }

        await using var clients = await ClientGroup.ConnectAsync(users, user => watcher.Server.ConnectAsUserAsync(user));

        // Published while the starts are under way: a seed login's position is where its stream stood when the
        // node read it, at most one head read after the login (docs/scaling.md), so each of these may come or
        // not, but at most once and before what follows.
        var during = users.Select(user => publisher.Server.Hub.PublishAsync(new HeraldPublication { Users = [user], Text = $"during {user}" }, cancellation).AsTask()).ToList();
        var channels = watcher.Server.Services.GetRequiredService<StreamChannels>();
        await Task.WhenAll(users.Select(user => channels.WhenReadyAsync(StreamId.ForUser(user))));
        await Task.WhenAll(during);

        await Task.WhenAll(users.Select(user => publisher.Server.Hub.PublishAsync(new HeraldPublication { Users = [user], Text = $"after {user}" }, cancellation).AsTask()));

        // A duplicate would come right behind the message: the marker shows the queue is past it.
        await Task.WhenAll(users.Select(user => publisher.Server.Hub.PublishAsync(new HeraldPublication { Users = [user], Text = "marker" }, cancellation).AsTask()));
        foreach (var (user, client) in users.Zip(clients.Clients))
        {
            var received = new List<string>();
            do
            {
                received.Add(await client.ReceiveTextAsync());
            }
            while (received[^1] != "marker");

            string[][] allowed = [[$"after {user}", "marker"], [$"during {user}", $"after {user}", "marker"]];
            Assert.True(allowed.Any(received.SequenceEqual), $"{user} received: {string.Join(" | ", received)}");
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task ReadHeads_ManyStreams_SameHeadsAsOneByOne()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var settings = HeraldRedisSettings.For(redis.Server, RedisTestPrefix.New());
        await using var node = await HeraldNode.StartAsync(settings, static builder => builder.Services.AddHerald().AddRedis(), name: "heads");
        var streams = Enumerable.Range(0, Users).Select(i => StreamId.ForUser($"head-{i}")).ToArray();
        for (var i = 0; i < streams.Length; i++)
        {
            // None, one or two messages: a stream without an epoch, and heads at seq 1 and 2.
            for (var n = 0; n < i % 3; n++)
            {
                await node.Server.Hub.PublishAsync(new HeraldPublication { Users = [streams[i].Name["user:".Length..]], Text = $"{n}" }, cancellation);
            }
        }

        var store = node.Server.Services.GetRequiredService<RedisHistoryStore>();
        var heads = await store.ReadHeadsAsync(streams);

        Assert.Equal(streams.Length, heads.Length);
        for (var i = 0; i < streams.Length; i++)
        {
            var one = await store.ReadAsync(streams[i], after: null);
            Assert.Equal(one.Head, heads[i]);
            Assert.Equal(i % 3, heads[i].Seq);
            Assert.Equal(i % 3 == 0, heads[i].Epoch is null);
        }
    }
}
