using Herald.Protocol;
using Herald.Streams;
using Herald.WebSockets;

namespace Herald.Tests.Streams;

public sealed class SubscriptionTests
{
    private static readonly StreamId Stream = StreamId.ForUser("ada");

    [Fact]
    public void CompleteJoin_LiveMessageTheReplayAlsoHolds_IsQueuedOnceAndReportedAsNotQueuedLive()
    {
        var subscriber = new RecordingSubscriber();
        var subscription = Subscription.Joining(subscriber, Stream);
        var messages = Enumerable.Range(1, 3).Select(Message).ToArray();

        // Message 3 was published after the join registered and before it read the history, which has it too.
        Assert.True(subscription.Deliver(messages[2]));
        var (replayed, liveNotQueued) = subscription.CompleteJoin(new HistoryRead(new StreamPosition("e", 3), ResumeOutcome.Recovered, messages), reply: null);

        Assert.Equal(3, replayed);
        Assert.Equal(1, liveNotQueued);
        Assert.Equal([1, 2, 3], subscriber.Seqs);
    }

    [Fact]
    public void CompleteJoin_LiveMessageNewerThanTheReplay_IsQueuedAfterIt()
    {
        var subscriber = new RecordingSubscriber();
        var subscription = Subscription.Joining(subscriber, Stream);

        Assert.True(subscription.Deliver(Message(3)));
        var (replayed, liveNotQueued) = subscription.CompleteJoin(new HistoryRead(new StreamPosition("e", 2), ResumeOutcome.Recovered, [Message(1), Message(2)]), reply: null);

        Assert.Equal(2, replayed);
        Assert.Equal(0, liveNotQueued);
        Assert.Equal([1, 2, 3], subscriber.Seqs);
        Assert.Equal([true, true, false], subscriber.Replayed);
    }

    private static StreamMessage Message(int seq) =>
        new(Stream, "e", seq, new PublishedMessage(Guid.CreateVersion7(), DateTimeOffset.UnixEpoch, MessageContent.Text($"m{seq}"), key: null));

    private sealed class RecordingSubscriber : StreamSubscriber
    {
        private readonly List<(long Seq, bool Replayed)> _queued = [];

        public override MessageFormat Format => SeedFormat.Instance;

        public long[] Seqs => [.. _queued.Select(entry => entry.Seq)];

        public bool[] Replayed => [.. _queued.Select(entry => entry.Replayed)];

        public override bool TryEnqueue(OutboundFrame frame, bool replayed, SendBurst? burst = null)
        {
            var text = System.Text.Encoding.UTF8.GetString(frame.Bytes.Span[2..]);
            _queued.Add((long.Parse(text[1..], System.Globalization.CultureInfo.InvariantCulture), replayed));
            return true;
        }

        public override bool Disconnect(string reason) => false;
    }
}
