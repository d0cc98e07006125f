using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Protocol;

/// <summary>
/// A herald.v1 client cut off for falling behind (4003) resumes from the history: with nothing lost while the
/// history still holds every message after its position, with window_exceeded when its queue held more.
/// </summary>
public sealed class SlowConsumerResumeTests
{
    [Fact]
    public async Task SlowConsumer_ResumesAfter4003_WithEveryMessageOnceAndInOrder()
    {
        const int Published = 400;
        await using var server = await HeraldTestServer.StartAsync(o =>
        {
            o.MaxQueuedMessages = 8;
            o.HistoryMaxMessages = Published;
        });
        var (stalled, _, _) = await V1Client.LogInAsync(server, "ada");
        var payload = new string('#', 60 * 1024);

        // About 24 MiB to a client that reads nothing: the socket buffers fill, then the queue, then 4003.
        for (var i = 1; i <= Published; i++)
        {
            await server.Hub.SendToUserAsync("ada", $"{i}:{payload}", TestContext.Current.CancellationToken);
        }

        var received = new List<JsonObject>();
        while (true)
        {
            var (type, text) = await stalled.Raw.ReceiveAsync();
            if (type == WebSocketMessageType.Close)
            {
                break;
            }

            received.Add(JsonNode.Parse(text)!.AsObject());
        }

        Assert.Equal(4003, (int)stalled.Raw.Socket.CloseStatus!.Value);
        Assert.InRange(received.Count, 0, Published - 1);
        await stalled.DisposeAsync();

        // Under load the queue may overflow before the first frame is written: then the client resumes from the start.
        var position = received.Count == 0
            ? new JsonObject { ["seq"] = 0 }
            : new JsonObject { ["epoch"] = (string?)received[^1]["epoch"], ["seq"] = (long)received[^1]["seq"]! };
        var resume = new JsonObject { ["user:ada"] = position };
        var (resumed, joined, _) = await V1Client.LogInAsync(server, "ada", resume);
        await using var _ = resumed;

        Assert.True((bool)joined["recovered"]!);
        var all = received.Concat(resumed.ReplayedAtLogin).Select(m => (long)m["seq"]!);
        Assert.Equal(Enumerable.Range(1, Published).Select(i => (long)i), all);
    }

    [Fact]
    public async Task SlowConsumer_QueueLongerThanTheHistory_ResumesWithWindowExceededAndTheNewestKept()
    {
        // The defaults in small: a queue (MaxQueuedMessages 1024) that holds more than a stream's history (100).
        const int Published = 400;
        const int Queue = 32;
        const int Kept = 16;
        await using var server = await HeraldTestServer.StartAsync(o =>
        {
            o.MaxQueuedMessages = Queue;
            o.HistoryMaxMessages = Kept;
        });
        var (stalled, _, _) = await V1Client.LogInAsync(server, "ada");
        var payload = new string('#', 60 * 1024);
        for (var i = 1; i <= Published; i++)
        {
            await server.Hub.SendToUserAsync("ada", $"{i}:{payload}", TestContext.Current.CancellationToken);
        }

        var received = await ReadUntilCloseAsync(stalled);
        Assert.Equal(4003, (int)stalled.Raw.Socket.CloseStatus!.Value);
        await stalled.DisposeAsync();
        Assert.True(server.Hub.GetStats().MessagesDropped > Kept, $"the cut dropped {server.Hub.GetStats().MessagesDropped} queued messages, no more than the history keeps");
        Assert.True(received.Count < Published - Kept, $"the client read {received.Count} of {Published} before the cut: it is not behind the history");

        var position = received.Count == 0
            ? new JsonObject { ["seq"] = 0 }
            : new JsonObject { ["epoch"] = (string?)received[^1]["epoch"], ["seq"] = (long)received[^1]["seq"]! };
        var (resumed, joined, _) = await V1Client.LogInAsync(server, "ada", new JsonObject { ["user:ada"] = position });
        await using var _ = resumed;

        Assert.False((bool)joined["recovered"]!);
        Assert.Equal("window_exceeded", (string?)joined["reason"]);
        Assert.Equal(Kept, (int)joined["replayed"]!);
        Assert.Equal(Enumerable.Range(Published - Kept + 1, Kept).Select(i => (long)i), resumed.ReplayedAtLogin.Select(m => (long)m["seq"]!));
    }

    private static async Task<List<JsonObject>> ReadUntilCloseAsync(V1Client client)
    {
        var received = new List<JsonObject>();
        while (true)
        {
            var (type, text) = await client.Raw.ReceiveAsync();
            if (type == WebSocketMessageType.Close)
            {
                return received;
            }

            received.Add(JsonNode.Parse(text)!.AsObject());
        }
    }
}
