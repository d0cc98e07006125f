using Herald.Tests.Infrastructure;

namespace Herald.Tests.Connections;

public abstract class SlowConsumerTests(bool direct) : BothWebSocketPaths(direct)
{
    [Fact]
    public async Task Enqueue_ClientStopsReading_IsCutOffWith4003WhileOthersKeepReceiving()
    {
        await using var server = await StartServerAsync(o =>
        {
            o.MaxMessageBytes = 64 * 1024;
            o.MaxQueuedBytes = 256 * 1024;
            o.CloseTimeout = TimeSpan.FromSeconds(20);
        });
        await using var stalled = await server.ConnectAsUserAsync("stalled");
        await using var healthy = await server.ConnectAsUserAsync("healthy");
        var payload = new string('s', 60 * 1024);

        // The stalled client never reads: socket buffers fill, then its queue, then it is cut off.
        var healthyReceived = 0;
        for (var i = 0; server.Hub.GetStats().SlowConsumerDisconnects == 0; i++)
        {
            Assert.True(i < 2_000, "the stalled client was never cut off");
            await server.Hub.SendToUserAsync("stalled", payload, TestContext.Current.CancellationToken);
            Assert.Equal(1, await server.Hub.SendToUserAsync("healthy", $"tick {i}", TestContext.Current.CancellationToken));
            Assert.Equal($"tick {i}", await healthy.ReceiveTextAsync());
            healthyReceived++;
        }

        Assert.True(healthyReceived > 0);
        Assert.Equal(0, await server.Hub.SendToUserAsync("stalled", payload, TestContext.Current.CancellationToken));
        await Eventually.TrueAsync(() => server.Logs.Contains("SlowConsumerDisconnected"), "the slow consumer to be logged");

        // Once the stalled client reads again it finds what the kernel held, then the documented close.
        Assert.Equal(HeraldCloseCodes.SlowConsumer, await stalled.ReceiveCloseAsync());
        Assert.Equal("slow consumer", stalled.Socket.CloseStatusDescription);
        await Eventually.TrueAsync(() => !server.Hub.GetUser("stalled").Online, "the stalled user to be gone");
        var stats = server.Hub.GetStats();
        Assert.True(stats.MessagesDropped > 0, "queued messages of the cut-off client are counted as dropped");
        Assert.Equal(1, await server.Hub.SendToUserAsync("healthy", "still fine", TestContext.Current.CancellationToken));
        Assert.Equal("still fine", await healthy.ReceiveTextAsync());
    }

    [Fact]
    public async Task Enqueue_ClientNeverReadsAgain_IsAbortedAfterCloseTimeoutWithoutAnError()
    {
        await using var server = await StartServerAsync(o =>
        {
            o.MaxQueuedBytes = 256 * 1024;
            o.CloseTimeout = TimeSpan.FromMilliseconds(300);
        });
        await using var stalled = await server.ConnectAsUserAsync("stalled");
        var payload = new string('s', 60 * 1024);

        for (var i = 0; server.Hub.GetStats().SlowConsumerDisconnects == 0; i++)
        {
            Assert.True(i < 2_000, "the stalled client was never cut off");
            await server.Hub.SendToUserAsync("stalled", payload, TestContext.Current.CancellationToken);
        }

        await Eventually.TrueAsync(() => server.Hub.GetStats().Connections == 0, "the stalled connection to be aborted");
        Assert.Contains(server.Logs.Entries, e => e.EventName == "ConnectionClosed"
            && e.Message.Contains("server closed (4003 slow consumer), then aborted: close handshake timed out", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Enqueue_MoreThanMaxQueuedMessages_CutsOffBeforeByteBudget()
    {
        await using var server = await StartServerAsync(o =>
        {
            o.MaxQueuedMessages = 4;
            o.CloseTimeout = TimeSpan.FromSeconds(20);
        });
        await using var stalled = await server.ConnectAsUserAsync("stalled");
        var payload = new string('s', 1024);

        // Frames to an idle connection are written at once, so the socket's buffers fill first (a few MiB on
        // loopback); from then on the queue holds them, and its fifth frame, 5 KiB, cuts the client off.
        var accepted = 0;
        for (var i = 0; i < 100_000 && server.Hub.GetStats().SlowConsumerDisconnects == 0; i++)
        {
            accepted += await server.Hub.SendToUserAsync("stalled", payload, TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, server.Hub.GetStats().SlowConsumerDisconnects);
        Assert.Equal(HeraldCloseCodes.SlowConsumer, await stalled.ReceiveCloseAsync());
        await Eventually.TrueAsync(
            () => server.Hub.GetStats() is var s && s.MessagesDelivered + s.MessagesDropped == accepted,
            "every accepted message to be either delivered or counted as dropped");
    }
}

public sealed class SlowConsumerTestsThroughAspNetCore() : SlowConsumerTests(direct: false);

public sealed class SlowConsumerTestsOnDirectPath() : SlowConsumerTests(direct: true);
