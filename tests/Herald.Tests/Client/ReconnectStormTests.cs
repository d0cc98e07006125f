using Herald.Client;
using Herald.Tests.Infrastructure;
using Publication = Herald.Client.HeraldPublication;

namespace Herald.Tests.Client;

/// <summary>
/// The reliable-delivery promise at scale, with the real server and the real client library: 20,000 messages to
/// 200 users, each with two subscribers (two tabs), while their connections are dropped and reconnected at random.
/// Every subscriber must end with every message of its user exactly once, in order.
/// </summary>
public sealed class ReconnectStormTests
{
    private const int Users = 200;
    private const int Tabs = 2;
    private const int Subscribers = Users * Tabs;
    private const int MessagesPerUser = 100;
    private const int BatchSize = 500;

    [Fact]
    public async Task RandomDrops_DuringTwentyThousandMessages_EverySubscriberGetsEachOfItsMessagesOnceInOrder()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var server = await HeraldTestServer.StartAsync(o => o.HistoryMaxMessages = MessagesPerUser);

        // One proxy per subscriber, so a drop cuts that subscriber's connection and no other.
        var proxies = Enumerable.Range(0, Subscribers).Select(_ => new BreakableProxy(server.BaseAddress)).ToArray();
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

            var reconnects = new int[Subscribers];
            for (var subscriber = 0; subscriber < Subscribers; subscriber++)
            {
                var index = subscriber;
                subscribers[subscriber].StateChanged += (_, state) =>
                {
                    if (state.Status == HeraldSubscriberStatus.Reconnecting)
                    {
                        Interlocked.Increment(ref reconnects[index]);
                    }
                };
            }

            // Message n of every user goes out in the same round, so each user's messages spread over the whole storm.
            // After every batch a twentieth of the subscribers lose their connection, in an order that drops each twice.
            var random = new Random(2026);
            var dropOrder = new Queue<int>([.. StormSubscribers.Shuffled(random, Subscribers), .. StormSubscribers.Shuffled(random, Subscribers)]);
            var publisher = new HeraldPublisher(server.Http);
            var all = Enumerable.Range(1, MessagesPerUser)
                .SelectMany(n => Enumerable.Range(0, Users).Select(user => Publication.Text($"{n}") with { Users = [$"user-{user}"] }))
                .ToArray();
            foreach (var batch in all.Chunk(BatchSize))
            {
                var results = await publisher.PublishBatchAsync(batch, cancellation);
                Assert.All(results, result => Assert.True(result.Succeeded, result.Error));
                for (var i = 0; i < Subscribers / 20 && dropOrder.TryDequeue(out var subscriber); i++)
                {
                    proxies[subscriber].DropConnections();
                }
            }

            var received = await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(60), cancellation);
            for (var subscriber = 0; subscriber < Subscribers; subscriber++)
            {
                Assert.Equal(Enumerable.Range(1, MessagesPerUser).Select(n => $"{n}"), received[subscriber]);
                Assert.True(reconnects[subscriber] >= 1, $"subscriber {subscriber} was never reconnected");
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
