using System.Text;
using Herald.Tests.Infrastructure;
using Herald.WebSockets;

namespace Herald.Tests.WebSockets;

/// <summary>The engine on its own, over in-memory pipes that pause their writers as Kestrel's do.</summary>
public sealed class WebSocketConnectionTests
{
    [Fact]
    public async Task Receive_FrameFarLargerThanTheTransportsBuffer_IsStreamedIntoOneMessage()
    {
        await using var peer = new EnginePeer(EnginePeer.Limits(maxMessageBytes: 4 * 1024 * 1024), pauseBytes: 64 * 1024);
        var payload = new byte[3 * 1024 * 1024];
        Random.Shared.NextBytes(payload);

        // Written as a whole, the frame cannot fit the pipe: only an engine that takes the payload as it comes reads it.
        await peer.WriteAsync(EnginePeer.Frame(0x82, payload));

        await Eventually.TrueAsync(() => peer.Session.Messages.Count == 1, "the message to arrive");
        Assert.Equal(WebSocketMessageKind.Binary, peer.Session.Messages[0].Kind);
        Assert.Equal(payload, peer.Session.Messages[0].Bytes);
    }

    [Fact]
    public async Task Receive_ManySmallFragments_AreJoinedInOrder()
    {
        await using var peer = new EnginePeer(EnginePeer.Limits(maxMessageBytes: 1024 * 1024));
        var text = string.Concat(Enumerable.Range(0, 5000).Select(i => (char)('a' + (i % 26))));
        var bytes = Encoding.UTF8.GetBytes(text);

        var frames = bytes.Chunk(7).Select((chunk, i) => EnginePeer.Frame((byte)((i == (bytes.Length + 6) / 7 - 1 ? 0x80 : 0) | (i == 0 ? 0x1 : 0x0)), chunk));
        await peer.WriteAsync([.. frames]);

        await Eventually.TrueAsync(() => peer.Session.Messages.Count == 1, "the message to arrive");
        Assert.Equal(text, Encoding.UTF8.GetString(peer.Session.Messages[0].Bytes));
    }

    [Fact]
    public async Task Receive_CodePointSplitAcrossFragmentsAndWrites_IsOneValidMessage()
    {
        await using var peer = new EnginePeer();
        byte[] wire = [
            .. EnginePeer.Frame(0x01, [0x61, 0xE2]),
            .. EnginePeer.Frame(0x00, [0x82]),
            .. EnginePeer.Frame(0x80, [0xAC, 0x62])];

        await peer.WriteAsync([.. wire.Select(b => new[] { b })]);

        await Eventually.TrueAsync(() => peer.Session.Messages.Count == 1, "the message to arrive");
        Assert.Equal("a€b", Encoding.UTF8.GetString(peer.Session.Messages[0].Bytes));
    }

    [Fact]
    public async Task Receive_InvalidUtf8InAFirstFragment_ClosesWith1007BeforeTheMessageEnds()
    {
        await using var peer = new EnginePeer();

        await peer.WriteAsync(EnginePeer.Frame(0x01, [0x61, 0xC0, 0x80]));

        Assert.Equal(1007, await peer.ReadCloseCodeAsync());
        Assert.Empty(peer.Session.Messages);
    }

    [Fact]
    public async Task Receive_ContinuationDeclaringA63BitLength_ClosesWith1009AndReadsNothingInIt()
    {
        await using var peer = new EnginePeer(EnginePeer.Limits(maxMessageBytes: 4096));
        var hidden = EnginePeer.Text("""{"uid":"smuggled"}""");

        // A short first fragment, then a continuation whose declared length would wrap a signed sum of the two.
        await peer.WriteAsync(EnginePeer.Text("ab", fin: false), EnginePeer.Frame(0x80, hidden, declaredLength: long.MaxValue));

        Assert.Equal(1009, await peer.ReadCloseCodeAsync());
        Assert.Empty(peer.Session.Messages);
        Assert.False(peer.Transport.WasAborted);
    }

    [Fact]
    public async Task Receive_LengthWithTheTopBitSet_ClosesWith1002()
    {
        await using var peer = new EnginePeer();
        byte[] frame = [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0];

        await peer.WriteAsync(frame);

        Assert.Equal(1002, await peer.ReadCloseCodeAsync());
    }

    [Fact]
    public async Task Receive_AfterAProtocolError_DrainsWhatTheClientSendsUntilItsClose()
    {
        await using var peer = new EnginePeer(pauseBytes: 16 * 1024);
        var junk = Enumerable.Range(0, 64).Select(_ => EnginePeer.Frame(0x82, new byte[4096])).ToArray();

        // A frame with RSV1 set, then 256 KiB more than the pipe holds: the writes complete only if the engine reads on.
        var writing = peer.WriteAsync([EnginePeer.Frame(0xC2, [1, 2, 3]), .. junk, EnginePeer.Close(1000)]);

        Assert.Equal(1002, await peer.ReadCloseCodeAsync());
        await writing;
        await peer.Ended.WaitAsync(EnginePeer.Timeout, TestContext.Current.CancellationToken);
        Assert.False(peer.Transport.WasAborted, "the connection ended with the client's Close, not by an abort");
        Assert.Empty(peer.Session.Messages);
    }

    [Fact]
    public async Task Receive_AfterAProtocolErrorALengthThatCannotBeOne_EndsTheConnection()
    {
        await using var peer = new EnginePeer();
        byte[] unmeasurable = [0x82, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

        // Nothing after the reserved opcode's frame says where the next frame starts: waiting for a Close is pointless.
        await peer.WriteAsync(EnginePeer.Frame(0x83, [1]), unmeasurable);

        Assert.Equal(1002, await peer.ReadCloseCodeAsync());
        await peer.Ended.WaitAsync(EnginePeer.Timeout, TestContext.Current.CancellationToken);
        Assert.False(peer.Transport.WasAborted);
    }

    [Fact]
    public async Task Receive_MalformedCloseFromTheClient_IsAnsweredAndEndsTheConnection()
    {
        await using var peer = new EnginePeer();

        await peer.WriteAsync(EnginePeer.Frame(0x88, [0x03]));

        Assert.Equal(1002, await peer.ReadCloseCodeAsync());
        await peer.Ended.WaitAsync(EnginePeer.Timeout, TestContext.Current.CancellationToken);
        Assert.False(peer.Transport.WasAborted);
    }

    [Fact]
    public async Task Receive_ClientThatSendsWithoutReading_IsHeldBackInsteadOfOverflowingItsQueue()
    {
        var outcomes = new List<EnqueueOutcome>();
        var reply = OutboundFrame.Control(ServerFrame.Create(WebSocketOpcode.Text, new byte[1024]));
        await using var peer = new EnginePeer(EnginePeer.Limits(maxQueuedMessages: 100), pauseBytes: 4096, onMessage: (_, connection, _) =>
        {
            lock (outcomes)
            {
                outcomes.Add(connection.TryEnqueue(reply));
            }

            return ValueTask.CompletedTask;
        });

        // 1,000 commands, each answered with 1 KiB that the client does not read: ten times the queue's budget.
        var writing = peer.WriteAsync([.. Enumerable.Range(0, 1000).Select(i => EnginePeer.Text($"command {i}"))]);
        await Eventually.TrueAsync(() => peer.Session.Messages.Count >= 64, "the first commands to be handled");
        Assert.True(peer.Session.Messages.Count < 1000, "the engine read on although its replies were not read");

        var replies = 0;
        while (replies < 1000)
        {
            var (opcode, _) = await peer.ReadFrameAsync();
            Assert.Equal(0x1, opcode);
            replies++;
        }

        await writing;
        Assert.Equal(1000, peer.Session.Messages.Count);
        lock (outcomes)
        {
            Assert.All(outcomes, outcome => Assert.Equal(EnqueueOutcome.Queued, outcome));
        }
    }

    [Fact]
    public async Task Receive_SessionThatFailsOnAMessage_ClosesWith1011InsteadOfAReset()
    {
        await using var peer = new EnginePeer(onMessage: (_, _, _) => throw new InvalidOperationException("a bug in the session"));

        await peer.WriteAsync(EnginePeer.Text("hello"), EnginePeer.Text("more"));

        Assert.Equal(1011, await peer.ReadCloseCodeAsync());
        await peer.WriteAsync(EnginePeer.Close(1000));
        await peer.Ended.WaitAsync(EnginePeer.Timeout, TestContext.Current.CancellationToken);
        Assert.False(peer.Transport.WasAborted);
        Assert.Single(peer.Session.Messages);
    }

    [Fact]
    public async Task Close_ClientClosesWithAReasonThatIsNotUtf8_ClosesWith1007()
    {
        await using var peer = new EnginePeer();

        await peer.WriteAsync(EnginePeer.Frame(0x88, [0x03, 0xE8, 0xC0, 0x80]));

        Assert.Equal(1007, await peer.ReadCloseCodeAsync());
    }

    [Fact]
    public async Task Close_ClientCloses_IsAnsweredWith1000AndTheConnectionEnds()
    {
        await using var peer = new EnginePeer();

        await peer.WriteAsync(EnginePeer.Close(1001, "bye"));

        Assert.Equal(1000, await peer.ReadCloseCodeAsync());
        await peer.Ended.WaitAsync(EnginePeer.Timeout, TestContext.Current.CancellationToken);
        Assert.False(peer.Transport.WasAborted);
    }
}
