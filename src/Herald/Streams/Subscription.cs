using Herald.WebSockets;

namespace Herald.Streams;

/// <summary>
/// One subscriber (a connection) on one stream. It is registered with the stream before the history is read, so no message
/// published meanwhile can slip past: until <see cref="CompleteJoin"/> runs, live messages wait here; then the
/// replay is queued, followed by the waiting messages the replay did not already contain. From then on a
/// message is queued only if it is past the last one queued (same epoch, higher seq), so nothing is sent twice
/// and the stream's order holds. It locks itself (its object header) rather than a <see cref="Lock"/> of its own,
/// which would be 40 more bytes for each of a connection's subscriptions; nothing outside this class locks it.
/// </summary>
internal sealed class Subscription
{
    private bool _joining;
    private List<StreamMessage>? _waiting;
    private string? _epoch;
    private long _lastSeq;

    private Subscription(StreamSubscriber subscriber, StreamId stream, bool joining)
    {
        Subscriber = subscriber;
        Stream = stream;
        _joining = joining;
    }

    public StreamSubscriber Subscriber { get; }

    public StreamId Stream { get; }

    /// <summary>A subscription that is live at once: it gets every message delivered from now on (the seed flavour's login).</summary>
    public static Subscription Live(StreamSubscriber subscriber, StreamId stream) => new(subscriber, stream, joining: false);

    /// <summary>A subscription that holds live messages until <see cref="CompleteJoin"/>.</summary>
    public static Subscription Joining(StreamSubscriber subscriber, StreamId stream) => new(subscriber, stream, joining: true);

    /// <param name="message">The message.</param>
    /// <param name="burst">The fan-out the message is part of, which may write the frame if the connection has nothing queued.</param>
    /// <returns>True when the message was queued for the subscriber (or is waiting for the join to complete).</returns>
    public bool Deliver(StreamMessage message, SendBurst? burst = null)
    {
        lock (this)
        {
            if (!_joining)
            {
                return QueueIfNew(message, burst: burst);
            }

            (_waiting ??= []).Add(message);
            return true;
        }
    }

    /// <summary>
    /// Queues <paramref name="reply"/> (the herald.v1 <c>joined</c>), then the history's messages, then what was
    /// delivered while the history was read and is newer than it.
    /// </summary>
    /// <returns>
    /// How many replayed messages were queued, and how many of the live messages that waited were not queued after
    /// all (the replay held them already, or they were not newer): their publish counted them as queued.
    /// </returns>
    public (int Replayed, int LiveNotQueued) CompleteJoin(HistoryRead read, OutboundFrame? reply)
    {
        var replayed = 0;
        var liveNotQueued = 0;
        lock (this)
        {
            if (reply is not null)
            {
                Subscriber.TryEnqueue(reply, replayed: false);
            }

            foreach (var message in read.Messages)
            {
                if (QueueIfNew(message, replayed: true))
                {
                    replayed++;
                }
            }

            (_epoch, _lastSeq) = (read.Head.Epoch, Math.Max(_lastSeq, read.Head.Seq));
            foreach (var message in _waiting ?? [])
            {
                if (!IsNew(message))
                {
                    liveNotQueued++;
                    continue;
                }

                QueueIfNew(message);
            }

            _waiting = null;
            _joining = false;
        }

        return (replayed, liveNotQueued);
    }

    private bool IsNew(StreamMessage message) => message.Epoch != _epoch || message.Seq > _lastSeq;

    private bool QueueIfNew(StreamMessage message, bool replayed = false, SendBurst? burst = null)
    {
        if (!IsNew(message))
        {
            return false;
        }

        (_epoch, _lastSeq) = (message.Epoch, message.Seq);
        return Subscriber.TryEnqueue(message.FrameFor(Subscriber.Format), replayed, burst);
    }
}
