using Herald.WebSockets;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.WebSockets;

public sealed class FrameQueueTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void TryDequeue_AfterEnqueues_ReturnsFramesInOrderThroughGrowth()
    {
        var queue = new FrameQueue(maxMessages: 100, maxBytes: 10_000);
        var frames = Enumerable.Range(0, 50).Select(i => TestFrames.Text($"m{i}")).ToArray();

        Assert.All(frames, frame => Assert.Equal(EnqueueOutcome.Queued, queue.TryEnqueue(frame)));

        Assert.Equal(50, queue.Count);
        Assert.Equal(frames.Sum(f => f.Length), queue.Bytes);
        foreach (var expected in frames)
        {
            Assert.True(queue.TryDequeue(out var frame));
            Assert.Same(expected, frame);
        }

        Assert.False(queue.TryDequeue(out _));
        Assert.Equal(0, queue.Bytes);
    }

    [Fact]
    public void RepliesWaiting_CountsRepliesButNotMessages()
    {
        var queue = new FrameQueue(maxMessages: 100, maxBytes: 10_000);

        queue.TryEnqueue(TestFrames.Text("message"));
        queue.TryEnqueue(Reply("a"));
        queue.TryEnqueue(Reply("b"));

        Assert.Equal(2, queue.RepliesWaiting);
        Assert.True(queue.TryDequeue(out _));
        Assert.True(queue.TryDequeue(out _));
        Assert.Equal(1, queue.RepliesWaiting);
        Assert.Equal(0, queue.Clear());
        Assert.Equal(0, queue.RepliesWaiting);
    }

    [Fact]
    public async Task WhenRepliesBelowAsync_CompletesOnceEnoughRepliesAreDequeued()
    {
        var queue = new FrameQueue(maxMessages: 100, maxBytes: 10_000);
        for (var i = 0; i < 4; i++)
        {
            queue.TryEnqueue(Reply($"r{i}"));
        }

        var below = queue.WhenRepliesBelowAsync(2);
        Assert.True(queue.TryDequeue(out _));
        Assert.True(queue.TryDequeue(out _));
        Assert.False(below.IsCompleted, "two replies still wait");
        Assert.True(queue.TryDequeue(out _));

        await below.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.True(queue.WhenRepliesBelowAsync(2).IsCompleted);
    }

    [Fact]
    public async Task WhenRepliesBelowAsync_CompletesWhenTheQueueIsCompletedOrOverflows()
    {
        var completed = new FrameQueue(maxMessages: 100, maxBytes: 10_000);
        completed.TryEnqueue(Reply("r"));
        var waitingForCompleted = completed.WhenRepliesBelowAsync(1);
        completed.Complete();
        await waitingForCompleted.WaitAsync(Timeout, TestContext.Current.CancellationToken);

        var overflowing = new FrameQueue(maxMessages: 1, maxBytes: 10_000);
        overflowing.TryEnqueue(Reply("r"));
        var waitingForOverflow = overflowing.WhenRepliesBelowAsync(1);
        Assert.Equal(EnqueueOutcome.OverBudget, overflowing.TryEnqueue(TestFrames.Text("one too many")));
        await waitingForOverflow.WaitAsync(Timeout, TestContext.Current.CancellationToken);
    }

    [Fact]
    public void TryEnqueue_ReplyWithAReplaceKey_ReplacesTheOneWaiting()
    {
        var queue = new FrameQueue(maxMessages: 100, maxBytes: 10_000);
        var first = OutboundFrame.Control(ServerFrame.CreateText("pong 1"), replaceKey: "pong");
        var second = OutboundFrame.Control(ServerFrame.CreateText("pong 2"), replaceKey: "pong");

        Assert.Equal(EnqueueOutcome.Queued, queue.TryEnqueue(first));
        Assert.Equal(EnqueueOutcome.QueuedReplacing, queue.TryEnqueue(second));

        Assert.Equal(1, queue.RepliesWaiting);
        Assert.True(queue.TryDequeue(out var frame));
        Assert.Same(second, frame);
    }

    [Fact]
    public void TryEnqueue_InterleavedWithDequeue_WrapsAroundTheRing()
    {
        var queue = new FrameQueue(maxMessages: 8, maxBytes: 10_000);
        for (var i = 0; i < 1_000; i++)
        {
            Assert.Equal(EnqueueOutcome.Queued, queue.TryEnqueue(TestFrames.Text($"a{i}")));
            Assert.Equal(EnqueueOutcome.Queued, queue.TryEnqueue(TestFrames.Text($"b{i}")));
            Assert.True(queue.TryDequeue(out var a));
            Assert.True(queue.TryDequeue(out var b));
            Assert.Equal($"a{i}", TextOf(a));
            Assert.Equal($"b{i}", TextOf(b));
        }
    }

    [Fact]
    public void TryEnqueue_OverMessageCount_IsOverBudget()
    {
        var queue = new FrameQueue(maxMessages: 3, maxBytes: 10_000);
        var frame = TestFrames.Text("x");

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(EnqueueOutcome.Queued, queue.TryEnqueue(frame));
        }

        Assert.Equal(EnqueueOutcome.OverBudget, queue.TryEnqueue(frame));
        Assert.Equal(3, queue.Count);
    }

    [Fact]
    public void TryEnqueue_OverByteBudget_IsOverBudget()
    {
        // Whole frames count: two header bytes plus the text.
        var queue = new FrameQueue(maxMessages: 100, maxBytes: 12);

        Assert.Equal(EnqueueOutcome.Queued, queue.TryEnqueue(TestFrames.Text("1234")));
        Assert.Equal(EnqueueOutcome.Queued, queue.TryEnqueue(TestFrames.Text("1234")));
        Assert.Equal(12, queue.Bytes);
        Assert.Equal(EnqueueOutcome.OverBudget, queue.TryEnqueue(TestFrames.Text("")));
    }

    [Fact]
    public async Task TryEnqueue_OverBudget_StopsTheQueueForGoodWithWhatItHeldForTheCloseToDrop()
    {
        var queue = new FrameQueue(maxMessages: 2, maxBytes: 1_000);
        queue.TryEnqueue(TestFrames.Text("a"));
        queue.TryEnqueue(TestFrames.Text("b"));

        Assert.Equal(EnqueueOutcome.OverBudget, queue.TryEnqueue(TestFrames.Text("c")));

        // The send loop gets nothing more, not even a ping, however late the publisher gets to closing the connection.
        Assert.False(queue.TryDequeue(out _));
        queue.SetControl(OutboundFrame.Control(ServerFrame.Create(WebSocketOpcode.Ping, [])));
        Assert.False(queue.TryDequeue(out _));
        Assert.Equal(EnqueueOutcome.OverBudget, queue.TryEnqueue(TestFrames.Text("d"), outsideBudget: true));
        var waiting = queue.WaitToReadAsync().AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.Equal(2, queue.Count);

        queue.Complete();
        Assert.False(await waiting.WaitAsync(Timeout, TestContext.Current.CancellationToken));
        Assert.Equal(2, queue.Clear());
    }

    [Fact]
    public async Task SetControl_WithMessagesQueued_GoesFirstAndOutsideTheBudget()
    {
        var queue = new FrameQueue(maxMessages: 1, maxBytes: 1_000);
        var ping = OutboundFrame.Control(ServerFrame.Create(WebSocketOpcode.Ping, []));
        queue.TryEnqueue(TestFrames.Text("message"));

        queue.SetControl(ping);

        Assert.True(await queue.WaitToReadAsync());
        Assert.True(queue.TryDequeue(out var first));
        Assert.Same(ping, first);
        Assert.True(queue.TryDequeue(out var second));
        Assert.Equal("message", TextOf(second));
        Assert.False(queue.TryDequeue(out _));
    }

    [Fact]
    public async Task Complete_WithFramesQueued_RefusesNewOnesAndLetsReaderDrainThenEnds()
    {
        var queue = new FrameQueue(maxMessages: 10, maxBytes: 1_000);
        queue.TryEnqueue(TestFrames.Text("last"));

        queue.Complete();

        Assert.Equal(EnqueueOutcome.Completed, queue.TryEnqueue(TestFrames.Text("late")));
        Assert.True(await queue.WaitToReadAsync());
        Assert.True(queue.TryDequeue(out _));
        Assert.False(await queue.WaitToReadAsync());
    }

    [Fact]
    public async Task WaitToReadAsync_EmptyQueue_CompletesWhenAFrameArrivesOrQueueCompletes()
    {
        var queue = new FrameQueue(maxMessages: 10, maxBytes: 1_000);

        var waiting = queue.WaitToReadAsync().AsTask();
        Assert.False(waiting.IsCompleted);
        queue.TryEnqueue(TestFrames.Text("wake"));
        Assert.True(await waiting.WaitAsync(Timeout, TestContext.Current.CancellationToken));
        Assert.True(queue.TryDequeue(out _));

        var ending = queue.WaitToReadAsync().AsTask();
        queue.Complete();
        Assert.False(await ending.WaitAsync(Timeout, TestContext.Current.CancellationToken));
    }

    private static string TextOf(OutboundFrame frame) => System.Text.Encoding.UTF8.GetString(frame.Bytes.Span[2..]);

    [Fact]
    public void Clear_WithFramesQueued_ReturnsHowManyWereDropped()
    {
        var queue = new FrameQueue(maxMessages: 10, maxBytes: 1_000);
        queue.TryEnqueue(TestFrames.Text("a"));
        queue.TryEnqueue(TestFrames.Text("b"));

        Assert.Equal(2, queue.Clear());
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.Bytes);
    }

    [Fact]
    public async Task Reader_FourProducersConcurrently_ReceivesEveryFrameOnceInEachProducersOrder()
    {
        const int producers = 4;
        const int perProducer = 20_000;
        var queue = new FrameQueue(maxMessages: 1_000_000, maxBytes: int.MaxValue);
        var frames = Enumerable.Range(0, producers)
            .Select(p => Enumerable.Range(0, perProducer).Select(i => TestFrames.Text($"{p}:{i}")).ToArray())
            .ToArray();
        var next = new int[producers];

        var reader = Task.Run(async () =>
        {
            var received = 0;
            while (await queue.WaitToReadAsync())
            {
                while (queue.TryDequeue(out var frame))
                {
                    var text = TextOf(frame);
                    var producer = text[0] - '0';
                    Assert.Same(frames[producer][next[producer]], frame);
                    next[producer]++;
                    received++;
                }
            }

            return received;
        }, TestContext.Current.CancellationToken);
        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            foreach (var frame in frames[p])
            {
                Assert.Equal(EnqueueOutcome.Queued, queue.TryEnqueue(frame));
            }
        }, TestContext.Current.CancellationToken)));
        queue.Complete();

        Assert.Equal(producers * perProducer, await reader.WaitAsync(Timeout, TestContext.Current.CancellationToken));
        Assert.All(next, count => Assert.Equal(perProducer, count));
    }

    [Fact]
    public void TryBeginWriteNow_OnlyWhileTheReaderWaitsOnAnEmptyQueue()
    {
        var queue = new FrameQueue(maxMessages: 10, maxBytes: 1_000);
        Assert.False(queue.TryBeginWriteNow());

        var waiting = queue.WaitToReadAsync().AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.True(queue.TryBeginWriteNow());
        Assert.False(queue.TryBeginWriteNow());
        queue.EndWriteNow();

        queue.TryEnqueue(TestFrames.Text("queued"));
        Assert.False(queue.TryBeginWriteNow());
    }

    [Fact]
    public async Task EndWriteNow_FramesQueuedMeanwhile_WakesTheReaderOnlyThen()
    {
        var queue = new FrameQueue(maxMessages: 10, maxBytes: 1_000);
        var waiting = queue.WaitToReadAsync().AsTask();
        Assert.True(queue.TryBeginWriteNow());

        queue.TryEnqueue(TestFrames.Text("after"));
        queue.Complete();
        Assert.False(waiting.IsCompleted);

        queue.EndWriteNow();
        Assert.True(await waiting.WaitAsync(Timeout, TestContext.Current.CancellationToken));
        Assert.True(queue.TryDequeue(out var frame));
        Assert.Equal("after", TextOf(frame));
        Assert.False(await queue.WaitToReadAsync());
    }

    [Fact]
    public async Task EndWriteNow_NothingArrived_LeavesTheReaderWaiting()
    {
        var queue = new FrameQueue(maxMessages: 10, maxBytes: 1_000);
        var waiting = queue.WaitToReadAsync().AsTask();
        Assert.True(queue.TryBeginWriteNow());

        queue.EndWriteNow();

        Assert.False(waiting.IsCompleted);
        Assert.True(queue.TryBeginWriteNow());
        queue.EndWriteNow();
        queue.TryEnqueue(TestFrames.Text("wake"));
        Assert.True(await waiting.WaitAsync(Timeout, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task WriteNow_FourProducersWithTheReader_EveryFrameOnceInEachProducersOrder()
    {
        // The "socket" is a list that only the reader or the one writer holding the queue's write-now may append to.
        const int producers = 4;
        const int perProducer = 20_000;
        var queue = new FrameQueue(maxMessages: 1_000_000, maxBytes: int.MaxValue);
        var written = new List<OutboundFrame>(producers * perProducer);
        var writers = 0;
        void Write(OutboundFrame frame)
        {
            Assert.Equal(1, Interlocked.Increment(ref writers));
            written.Add(frame);
            Interlocked.Decrement(ref writers);
        }

        var reader = Task.Run(async () =>
        {
            while (await queue.WaitToReadAsync())
            {
                while (queue.TryDequeue(out var frame))
                {
                    Write(frame);
                }
            }
        }, TestContext.Current.CancellationToken);
        var frames = Enumerable.Range(0, producers)
            .Select(p => Enumerable.Range(0, perProducer).Select(i => TestFrames.Text($"{p}:{i}")).ToArray())
            .ToArray();
        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            foreach (var frame in frames[p])
            {
                if (queue.TryBeginWriteNow())
                {
                    Write(frame);
                    queue.EndWriteNow();
                }
                else
                {
                    Assert.Equal(EnqueueOutcome.Queued, queue.TryEnqueue(frame));
                }
            }
        }, TestContext.Current.CancellationToken)));
        queue.Complete();
        await reader.WaitAsync(Timeout, TestContext.Current.CancellationToken);

        Assert.Equal(producers * perProducer, written.Count);
        var next = new int[producers];
        foreach (var frame in written)
        {
            var producer = TextOf(frame)[0] - '0';
            Assert.Same(frames[producer][next[producer]++], frame);
        }
    }

    [Fact]
    public async Task TryEnqueue_ClaimingWhileTheReaderWaits_TakesTheWritingOverWithoutWakingIt()
    {
        var queue = new FrameQueue(maxMessages: 10, maxBytes: 1_000);
        var waiting = queue.WaitToReadAsync().AsTask();

        queue.TryEnqueue(TestFrames.Text("first"), outsideBudget: false, claimWriter: true, out var claimed);
        Assert.True(claimed);
        queue.TryEnqueue(TestFrames.Text("second"), outsideBudget: false, claimWriter: true, out var claimedAgain);
        Assert.False(claimedAgain);
        queue.TryEnqueue(TestFrames.Text("third"));
        Assert.False(queue.TryBeginWriteNow());
        Assert.False(waiting.IsCompleted);

        Assert.True(queue.TryDequeue(out var first));
        Assert.True(queue.TryDequeue(out var second));
        Assert.Equal(["first", "second"], [TextOf(first), TextOf(second)]);
        queue.EndWriteNow();
        Assert.True(await waiting.WaitAsync(Timeout, TestContext.Current.CancellationToken));
        Assert.True(queue.TryDequeue(out var third));
        Assert.Equal("third", TextOf(third));
    }

    [Fact]
    public void TryEnqueue_ClaimingWhileTheReaderRuns_LeavesTheFrameToIt()
    {
        var queue = new FrameQueue(maxMessages: 10, maxBytes: 1_000);

        Assert.Equal(EnqueueOutcome.Queued, queue.TryEnqueue(TestFrames.Text("queued"), outsideBudget: false, claimWriter: true, out var claimed));

        Assert.False(claimed);
        Assert.True(queue.TryDequeue(out _));
    }

    [Fact]
    public async Task TryEnqueue_ClaimingProducersWithTheReader_EveryFrameOnceInEachProducersOrder()
    {
        // As a burst's chunks do: a producer that claims the writing hands the queue to a writer of its own,
        // which writes what is queued and ends the claim. The "socket" is a list that only one writer at a time may append to.
        const int producers = 4;
        const int perProducer = 20_000;
        var queue = new FrameQueue(maxMessages: 1_000_000, maxBytes: int.MaxValue);
        var written = new List<OutboundFrame>(producers * perProducer);
        var writers = 0;
        void WriteQueued()
        {
            while (queue.TryDequeue(out var frame))
            {
                Assert.Equal(1, Interlocked.Increment(ref writers));
                written.Add(frame);
                Interlocked.Decrement(ref writers);
            }
        }

        var claims = System.Threading.Channels.Channel.CreateUnbounded<bool>();
        var claimWriter = Task.Run(async () =>
        {
            await foreach (var _ in claims.Reader.ReadAllAsync(TestContext.Current.CancellationToken))
            {
                WriteQueued();
                queue.EndWriteNow();
            }
        }, TestContext.Current.CancellationToken);
        var reader = Task.Run(async () =>
        {
            while (await queue.WaitToReadAsync())
            {
                WriteQueued();
            }
        }, TestContext.Current.CancellationToken);
        var frames = Enumerable.Range(0, producers)
            .Select(p => Enumerable.Range(0, perProducer).Select(i => TestFrames.Text($"{p}:{i}")).ToArray())
            .ToArray();
        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            foreach (var frame in frames[p])
            {
                Assert.Equal(EnqueueOutcome.Queued, queue.TryEnqueue(frame, outsideBudget: false, claimWriter: p % 2 == 0, out var claimed));
                if (claimed)
                {
                    Assert.True(claims.Writer.TryWrite(true));
                }
            }
        }, TestContext.Current.CancellationToken)));
        claims.Writer.Complete();
        await claimWriter.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        queue.Complete();
        await reader.WaitAsync(Timeout, TestContext.Current.CancellationToken);

        Assert.Equal(producers * perProducer, written.Count);
        var next = new int[producers];
        foreach (var frame in written)
        {
            var producer = TextOf(frame)[0] - '0';
            Assert.Same(frames[producer][next[producer]++], frame);
        }
    }

    [Fact]
    public void TryEnqueue_WithTheKeyOfAQueuedFrame_RemovesItAndQueuesTheNewOneLast()
    {
        var queue = new FrameQueue(maxMessages: 10, maxBytes: 1000);
        var old = TestFrames.Text("old", "user:a\nprogress");
        var other = TestFrames.Text("other");
        var otherStream = TestFrames.Text("other stream", "user:b\nprogress");
        var latest = TestFrames.Text("latest", "user:a\nprogress");

        Assert.Equal(EnqueueOutcome.Queued, queue.TryEnqueue(old));
        Assert.Equal(EnqueueOutcome.Queued, queue.TryEnqueue(other));
        Assert.Equal(EnqueueOutcome.Queued, queue.TryEnqueue(otherStream));
        Assert.Equal(EnqueueOutcome.QueuedReplacing, queue.TryEnqueue(latest));

        Assert.Equal(3, queue.Count);
        Assert.Equal(other.Length + otherStream.Length + latest.Length, queue.Bytes);
        Assert.Equal([other, otherStream, latest], DrainAll(queue));
    }

    [Fact]
    public void TryEnqueue_OutsideBudget_IsQueuedInOrderWithoutCountingAgainstTheLimits()
    {
        var queue = new FrameQueue(maxMessages: 2, maxBytes: 1000);
        var replayed = Enumerable.Range(0, 5).Select(i => TestFrames.Text($"replayed {i}")).ToArray();
        var live = TestFrames.Text("live");

        foreach (var frame in replayed)
        {
            Assert.Equal(EnqueueOutcome.Queued, queue.TryEnqueue(frame, outsideBudget: true));
        }

        Assert.Equal(EnqueueOutcome.Queued, queue.TryEnqueue(live));
        Assert.Equal(1, queue.Count);
        Assert.Equal(live.Length, queue.Bytes);
        var secondLive = TestFrames.Text("second live");
        Assert.Equal(EnqueueOutcome.Queued, queue.TryEnqueue(secondLive));
        Assert.Equal([.. replayed, live, secondLive], DrainAll(queue));
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.Bytes);
    }

    private static List<OutboundFrame> DrainAll(FrameQueue queue)
    {
        var frames = new List<OutboundFrame>();
        while (queue.TryDequeue(out var frame))
        {
            frames.Add(frame);
        }

        return frames;
    }

    private static OutboundFrame Reply(string text) => OutboundFrame.Control(ServerFrame.CreateText(text));
}
