using System.Text.Json.Nodes;
using Herald.Tests.Infrastructure;
using Herald.WebSockets;

namespace Herald.Tests.Routing;

/// <summary>
/// Fan-outs to more connections than a message writes on its publisher's thread, whose copies the chunks of a
/// <see cref="SendBurst"/> write: order, completeness and the slow-consumer close must hold across bursts.
/// </summary>
public abstract class FanOutTests(bool direct) : BothWebSocketPaths(direct)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Broadcast_ConcurrentPublishersToMoreThanOneChunk_EveryConnectionGetsEveryMessageOnceInSeqOrder()
    {
        const int connections = SendBurstChunk.Capacity + 44;
        const int publishers = 4;
        const int perPublisher = 50;
        const int total = publishers * perPublisher;
        await using var server = await StartServerAsync(o => o.HistoryMaxMessages = total);
        var clients = new List<V1Client>();
        try
        {
            foreach (var (client, _, _) in await Task.WhenAll(Enumerable.Range(0, connections).Select(i => V1Client.LogInAsync(server, $"u{i}"))))
            {
                clients.Add(client);
            }

            var receiving = clients.Select(client => ReceiveBroadcastSeqsAsync(client, total)).ToList();
            var publishing = Enumerable.Range(0, publishers).Select(p => Task.Run(async () =>
            {
                for (var i = 0; i < perPublisher; i++)
                {
                    await server.Hub.PublishAsync(new HeraldPublication { Broadcast = true, Text = $"{p}:{i}" }, Cancellation);
                }
            }, Cancellation)).ToArray();

            // A connection that joins while the bursts go on, resuming the broadcast stream from its start: the
            // replay and the live messages meet without a gap or a repeat.
            await Eventually.TrueAsync(() => server.Hub.GetStats().MessagesPublished >= total / 4, "a quarter of the broadcasts to be published");
            var (joiner, _, _) = await V1Client.LogInAsync(server, "joiner", new JsonObject { ["broadcast"] = new JsonObject { ["seq"] = 0 } });
            clients.Add(joiner);
            receiving.Add(ReceiveBroadcastSeqsAsync(joiner, total));

            await Task.WhenAll(publishing);
            var expected = Enumerable.Range(1, total).Select(seq => (long)seq).ToArray();
            foreach (var seqs in await Task.WhenAll(receiving))
            {
                Assert.Equal(expected, seqs);
            }

            var stats = server.Hub.GetStats();
            Assert.Equal(0, stats.MessagesDropped);
            Assert.Equal(0, stats.SlowConsumerDisconnects);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Broadcast_ToManyWithOneStalled_CutsItOffWith4003WhileTheOthersGetEveryMessageInOrder()
    {
        await using var server = await StartServerAsync(o =>
        {
            o.MaxMessageBytes = 64 * 1024;
            o.MaxQueuedBytes = 256 * 1024;
            o.CloseTimeout = TimeSpan.FromSeconds(20);
        });
        await using var stalled = await server.ConnectAsUserAsync("stalled");
        var healthy = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => server.ConnectAsUserAsync($"healthy{i}")));
        try
        {
            var payload = new string('s', 60 * 1024);

            // The stalled client never reads: its socket's buffers fill, then its queue, then it is cut off.
            for (var i = 0; server.Hub.GetStats().SlowConsumerDisconnects == 0; i++)
            {
                Assert.True(i < 2_000, "the stalled client was never cut off");
                var text = $"{i}:{payload}";
                await server.Hub.PublishAsync(new HeraldPublication { Broadcast = true, Text = text }, Cancellation);
                foreach (var client in healthy)
                {
                    Assert.Equal(text, await client.ReceiveTextAsync());
                }
            }

            Assert.Equal(HeraldCloseCodes.SlowConsumer, await stalled.ReceiveCloseAsync());
            await Eventually.TrueAsync(() => !server.Hub.GetUser("stalled").Online, "the stalled user to be gone");
            var last = await server.Hub.PublishAsync(new HeraldPublication { Broadcast = true, Text = "still fine" }, Cancellation);
            Assert.Equal(healthy.Length, last.Delivered);
            foreach (var client in healthy)
            {
                Assert.Equal("still fine", await client.ReceiveTextAsync());
            }
        }
        finally
        {
            foreach (var client in healthy)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>The seqs of the next <paramref name="count"/> broadcast messages the client receives, in the order received.</summary>
    private static async Task<long[]> ReceiveBroadcastSeqsAsync(V1Client client, int count)
    {
        var seqs = new long[count];
        for (var i = 0; i < count; i++)
        {
            var message = await client.ReceiveTypeAsync("message");
            Assert.Equal("broadcast", (string?)message["stream"]);
            seqs[i] = (long)message["seq"]!;
        }

        return seqs;
    }
}

public sealed class FanOutTestsThroughAspNetCore() : FanOutTests(direct: false);

public sealed class FanOutTestsOnDirectPath() : FanOutTests(direct: true);
