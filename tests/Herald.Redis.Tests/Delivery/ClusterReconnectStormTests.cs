using Herald.Client;
using Herald.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Publication = Herald.Client.HeraldPublication;

namespace Herald.Redis.Tests.Delivery;

/// <summary>
/// The reliable-delivery promise across a cluster: 3,000 messages to 60 users, each with two subscribers (the .NET
/// client, reconnecting and resuming by itself), published in batches through all three nodes in turn, while after
/// every batch a tenth of the subscribers lose their connection and their load balancer sends the reconnect to the
/// next node. Every subscriber must end with every message of its user exactly once, in order.
/// </summary>
public sealed class ClusterReconnectStormTests(SharedRedis redis)
{
    private const int Nodes = 3;
    private const int Users = 60;
    private const int Tabs = 2;
    private const int Subscribers = Users * Tabs;
    private const int MessagesPerUser = 50;
    private const int BatchSize = 250;

    [Fact]
    public async Task RandomDropsToOtherNodes_DuringThreeThousandMessages_EverySubscriberGetsEachOfItsMessagesOnceInOrder()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await HeraldCluster.StartAsync(
            Nodes,
            HeraldRedisSettings.For(redis.Server, RedisTestPrefix.New()),
            static builder => builder.Services.AddHerald().AddRedis(),
            static options => options.HistoryMaxMessages = MessagesPerUser);
        var proxies = Enumerable.Range(0, Subscribers).Select(index => new BreakableProxy(cluster[index % Nodes].Server.BaseAddress)).ToArray();
        var nodeOf = Enumerable.Range(0, Subscribers).Select(index => index % Nodes).ToArray();
        var nodesSeen = Enumerable.Range(0, Subscribers).Select(index => new HashSet<int> { index % Nodes }).ToArray();
        var subscribers = Enumerable.Range(0, Subscribers).Select(index => new HeraldSubscriber(new HeraldSubscriberOptions
        {
            ServerUri = proxies[index].WebSocketUri,
            UserId = $"user-{index % Users}",
            StartPosition = HeraldStartPosition.Retained,
            Reconnect = new HeraldReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(100) },
        })).ToArray();
        try
        {
            await Task.WhenAll(subscribers.Select(subscriber => subscriber.StartAsync(cancellation)));
            var readers = subscribers.Select(subscriber => StormSubscribers.ReadTextsAsync(subscriber, MessagesPerUser, cancellation)).ToArray();

            var random = new Random(2026);
            var dropOrder = new Queue<int>([.. StormSubscribers.Shuffled(random, Subscribers), .. StormSubscribers.Shuffled(random, Subscribers), .. StormSubscribers.Shuffled(random, Subscribers)]);
            var publishers = Enumerable.Range(0, Nodes).Select(node => new HeraldPublisher(cluster[node].Server.Http)).ToArray();
            var all = Enumerable.Range(1, MessagesPerUser)
                .SelectMany(n => Enumerable.Range(0, Users).Select(user => Publication.Text($"{n}") with { Users = [$"user-{user}"] }))
                .ToArray();
            var round = 0;
            foreach (var batch in all.Chunk(BatchSize))
            {
                var results = await publishers[round++ % Nodes].PublishBatchAsync(batch, cancellation);
                Assert.All(results, result => Assert.True(result.Succeeded, result.Error));
                for (var i = 0; i < Subscribers / 10 && dropOrder.TryDequeue(out var subscriber); i++)
                {
                    nodeOf[subscriber] = (nodeOf[subscriber] + 1) % Nodes;
                    nodesSeen[subscriber].Add(nodeOf[subscriber]);
                    proxies[subscriber].RetargetTo(cluster[nodeOf[subscriber]].Server.BaseAddress);
                    proxies[subscriber].DropConnections();
                }
            }

            var received = await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(90), cancellation);
            for (var subscriber = 0; subscriber < Subscribers; subscriber++)
            {
                Assert.Equal(Enumerable.Range(1, MessagesPerUser).Select(n => $"{n}"), received[subscriber]);
                Assert.True(nodesSeen[subscriber].Count >= 2, $"subscriber {subscriber} never moved to another node");
            }
        }
        finally
        {
            foreach (var subscriber in subscribers)
            {
                await subscriber.DisposeAsync();
            }

            foreach (var proxy in proxies)
            {
                await proxy.DisposeAsync();
            }
        }
    }
}
