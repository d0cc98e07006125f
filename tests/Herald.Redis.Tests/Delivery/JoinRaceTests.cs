using System.Text.Json.Nodes;
using Herald.Redis.Tests.Infrastructure;
using Herald.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Herald.Redis.Tests.Delivery;

/// <summary>
/// The join race across the network: a herald.v1 login resumes on node B while node A publishes to the user, with
/// B's history read held open before it reaches Redis (the messages are then in the replay and arrive live too) or
/// after its answer (they are only live). Either way the client gets every message exactly once, in seq order.
/// </summary>
public sealed class JoinRaceTests(SharedRedis redis)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(false, HeraldRedisFanout.Routed)]
    [InlineData(true, HeraldRedisFanout.Routed)]
    [InlineData(false, HeraldRedisFanout.Subscribed)]
    [InlineData(true, HeraldRedisFanout.Subscribed)]
    [InlineData(false, HeraldRedisFanout.Everything)]
    [InlineData(true, HeraldRedisFanout.Everything)]
    public async Task Resume_WithPublishesInsideTheHistoryRead_GetsEveryMessageOnceInOrder(bool pauseAfterRead, HeraldRedisFanout fanout)
    {
        var uid = $"race-{Guid.NewGuid():N}";
        var settings = HeraldRedisSettings.For(redis.Server, RedisTestPrefix.New(), new Dictionary<string, string?> { ["Herald:Redis:Fanout"] = fanout.ToString() });
        PausingHistory? pausing = null;
        await using var publisher = await HeraldNode.StartAsync(settings, static builder => builder.Services.AddHerald().AddRedis(), name: "publisher");
        await using var joiner = await HeraldNode.StartAsync(settings, builder =>
        {
            builder.Services.AddHerald().AddRedis();
            builder.Services.Replace(ServiceDescriptor.Singleton<IHistory>(provider =>
                pausing = new PausingHistory(ActivatorUtilities.CreateInstance<RedisHistory>(provider), StreamId.ForUser(uid).Name, pauseAfterRead)));
        }, name: "joiner");
        var before = await PublishAsync(publisher, uid, "before-1", "before-2");

        await using var client = await V1Client.ConnectAsync(joiner.Server);
        await client.SendAsync(new JsonObject
        {
            ["type"] = "login",
            ["uid"] = uid,
            ["resume"] = new JsonObject { [$"user:{uid}"] = new JsonObject { ["epoch"] = before.Epoch, ["seq"] = 1 } },
        });
        await client.ReceiveTypeAsync("welcome", Timeout);
        await pausing!.Paused.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        await PublishAsync(publisher, uid, "inside-3", "inside-4", "inside-5");
        pausing.Release();
        await PublishAsync(publisher, uid, "after-6");

        var joined = await client.ReceiveTypeAsync("joined", Timeout);
        var received = new List<string>();
        while (received.Count < 5)
        {
            var envelope = await client.ReceiveAsync(Timeout);
            if ((string?)envelope["stream"] == $"user:{uid}" && (string?)envelope["type"] == "message")
            {
                received.Add($"{envelope["seq"]}:{envelope["data"]}");
            }
        }

        Assert.Equal(true, (bool?)joined["recovered"]);
        Assert.Equal(["2:before-2", "3:inside-3", "4:inside-4", "5:inside-5", "6:after-6"], received);
        await AssertNothingMoreAsync(publisher, client, uid);
    }

    private static async Task<(string Epoch, long Seq)> PublishAsync(HeraldNode node, string uid, params string[] texts)
    {
        HeraldStreamResult? last = null;
        foreach (var text in texts)
        {
            last = (await node.Server.Hub.PublishAsync(new HeraldPublication { Users = [uid], Text = text }, TestContext.Current.CancellationToken)).Streams[0];
        }

        return (last!.Epoch, last.Seq);
    }

    /// <summary>A duplicate would come right behind the last message; a publish after it shows the queue is past them.</summary>
    private static async Task AssertNothingMoreAsync(HeraldNode publisher, V1Client client, string uid)
    {
        var marker = await publisher.Server.Hub.PublishAsync(new HeraldPublication { Users = [uid], Text = "marker" }, TestContext.Current.CancellationToken);
        JsonObject next;
        do
        {
            next = await client.ReceiveAsync(Timeout);
        }
        while ((string?)next["stream"] != $"user:{uid}");

        Assert.Equal(("marker", marker.Streams[0].Seq), ((string?)next["data"], (long)next["seq"]!));
    }
}
