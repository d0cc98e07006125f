using Herald.Streams;
using StreamPosition = Herald.Streams.StreamPosition;

namespace Herald.Redis;

/// <summary>
/// A stream this node has subscribers on, as the node receives it from Redis: how many of its subscriptions are on
/// it, and the epoch and seq of the last message it dispatched. Messages arrive from pub/sub in no promised order
/// and may be missed (a dropped subscription, a slow subscriber cut off by Redis); a message that does not follow
/// the last one is held, and the stream is repaired from the history: every message after the last one is
/// dispatched in seq order, then what was held and still follows. So each local subscriber gets the stream's
/// messages once and in order, or, when the history no longer holds what was missed, is told so.
/// There is one per stream a node has subscribers on (a user's, on the node of its tabs), kept with the stream's
/// entry in the connection registry (<see cref="Routing.StreamSubscribers.BackplaneState"/>) rather than in a map of
/// its own, and it locks itself (its object header) rather than a <see cref="Lock"/> of its own; nothing outside
/// this class locks it.
/// </summary>
/// <param name="stream">The stream.</param>
internal sealed class WatchedStream(StreamId stream)
{
    // Held messages are rare (a gap, a reorder, a repair under way): the list is made when one is.
    private SortedList<long, StreamMessage>? _held;
    private string? _epoch;
    private long _lastSeq;
    private bool _baselined;
    private bool _repairing;
    private int _interest;

    public StreamId Stream { get; } = stream;

    /// <summary>
    /// Done once the node knows where the stream stood, receives it, and has caught up on what came in between: the
    /// task of the batch of starts the stream went in (<see cref="WatchStarts"/>).
    /// </summary>
    public Task Ready { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// True from the moment this entry gave the multiplexer its handler for the stream's channel, which keeps it
    /// (and resubscribes it after a reconnect) even when the subscribe failed: each entry adds it once and removes it once.
    /// </summary>
    public bool HandlerAdded { get; set; }

    /// <summary>
    /// True once the presence write loop wrote the stream's name in the node's streams set (<see cref="ClusterPresence"/>,
    /// the only one that touches it): its next counts are written without it.
    /// </summary>
    public bool PresenceNamed { get; set; }

    /// <summary>True once Redis confirmed the subscription to the stream's channel.</summary>
    public bool Subscribed { get; set; }

    /// <summary>Starts <paramref name="subscribe"/> again when <see cref="Ready"/> failed (Redis was away), once however many callers ask.</summary>
    /// <returns>The new <see cref="Ready"/>, or the one that had not failed.</returns>
    public Task RetryIfFailed(Func<WatchedStream, Task> subscribe)
    {
        lock (this)
        {
            if (Ready.IsFaulted && !Retired)
            {
                Ready = subscribe(this);
            }

            return Ready;
        }
    }

    /// <summary>True once the last subscription left: the entry is dropped, and a new subscriber makes a new one.</summary>
    public bool Retired { get; private set; }

    /// <summary>How many of this node's subscriptions are on the stream now.</summary>
    public int Interest
    {
        get
        {
            lock (this)
            {
                return _interest;
            }
        }
    }

    /// <summary>Counts one more subscription, and for the first one starts watching the stream (<paramref name="start"/> gives <see cref="Ready"/>).</summary>
    /// <remarks>
    /// The start is made under the same lock as the count, so that a second subscription counted after the first
    /// always finds the first's <see cref="Ready"/>, never the completed task the entry is made with.
    /// </remarks>
    /// <returns>False when the entry is retired.</returns>
    public bool TryAddInterest(Func<WatchedStream, Task> start)
    {
        lock (this)
        {
            if (Retired)
            {
                return false;
            }

            if (_interest++ == 0)
            {
                Ready = start(this);
            }

            return true;
        }
    }

    /// <returns>True when that was the last subscription: the entry is retired.</returns>
    public bool RemoveInterest()
    {
        lock (this)
        {
            if (--_interest > 0)
            {
                return false;
            }

            Retired = true;
            return true;
        }
    }

    /// <summary>True once <see cref="SetBaseline"/> ran: the node knows where the stream stood.</summary>
    public bool IsBaselined
    {
        get
        {
            lock (this)
            {
                return _baselined;
            }
        }
    }

    /// <summary>Where the stream stood when the node began to watch it: messages up to it were published before.</summary>
    /// <returns>True when the stream needs a repair from the history (the caller starts one).</returns>
    public bool SetBaseline(StreamPosition head, Action<StreamMessage> dispatch)
    {
        lock (this)
        {
            _baselined = true;
            (_epoch, _lastSeq) = (head.Epoch, head.Seq);

            // What this node published itself between the first subscriber's join and the head read came after the
            // join: it goes to the local subscribers even when the head already counts it.
            var repair = false;
            foreach (var message in TakeHeld())
            {
                if (message.Epoch == _epoch && message.Seq <= _lastSeq)
                {
                    dispatch(message);
                }
                else
                {
                    repair |= Accept(message, dispatch);
                }
            }

            return repair;
        }
    }

    /// <summary>A message from Redis, or from this node's own publish.</summary>
    /// <returns>True when the stream needs a repair from the history (the caller starts one).</returns>
    public bool Offer(StreamMessage message, Action<StreamMessage> dispatch)
    {
        lock (this)
        {
            if (!_baselined || _repairing)
            {
                Hold(message);
                return false;
            }

            return Accept(message, dispatch);
        }
    }

    /// <summary>Whether the stream's head is past what this node dispatched: something was published that it has not received.</summary>
    public bool IsBehind(StreamPosition head)
    {
        lock (this)
        {
            return head.Epoch is not null && (head.Epoch != _epoch || head.Seq > _lastSeq);
        }
    }

    /// <summary>Marks the stream as repairing, unless it already is.</summary>
    /// <returns>The position to read the history after, or null when a repair is under way.</returns>
    public StreamPosition? StartRepair()
    {
        lock (this)
        {
            if (_repairing || !_baselined)
            {
                return null;
            }

            _repairing = true;
            return new StreamPosition(_epoch, _lastSeq);
        }
    }

    /// <summary>Gives up a repair that could not read the history; what is held waits for the next one.</summary>
    public void AbandonRepair()
    {
        lock (this)
        {
            _repairing = false;
        }
    }

    /// <summary>
    /// Dispatches what the history read after the last position holds, then what was held and follows it.
    /// </summary>
    /// <returns>Whether the history covered the gap, and whether another repair is needed (a held message still does not follow).</returns>
    /// <param name="read">The history after the position <see cref="StartRepair"/> gave.</param>
    /// <param name="dispatch">Queues a message to the local subscribers.</param>
    /// <param name="uncovered">Called, before anything more is dispatched, when the history no longer holds all that was missed.</param>
    public (bool Covered, bool RepairAgain) CompleteRepair(HistoryRead read, Action<StreamMessage> dispatch, Action uncovered)
    {
        lock (this)
        {
            _repairing = false;
            var covered = read.Outcome switch
            {
                null or ResumeOutcome.Recovered => true,

                // The stream started over (it was forgotten, or Redis lost it): covered if its new epoch is all kept.
                ResumeOutcome.EpochChanged => read.Head.Seq == 0 || read.Messages is [{ Seq: 1 }, ..],
                _ => false,
            };
            if (!covered)
            {
                uncovered();
            }

            var previous = _epoch;
            if (read.Head.Epoch != _epoch)
            {
                (_epoch, _lastSeq) = (read.Head.Epoch, 0);
            }

            foreach (var message in read.Messages)
            {
                if (message.Seq > _lastSeq)
                {
                    dispatch(message);
                    _lastSeq = message.Seq;
                }
            }

            _lastSeq = Math.Max(_lastSeq, read.Head.Seq);

            // A held message of the epoch the stream had before is a straggler from before the read; one of yet another
            // epoch was published after the read (the stream started over meanwhile), and goes on like any other.
            var again = false;
            foreach (var message in TakeHeld())
            {
                if (message.Epoch == _epoch || message.Epoch != previous)
                {
                    again |= Accept(message, dispatch);
                }
            }

            return (covered, again);
        }
    }

    /// <summary>The held messages, oldest first, leaving none held. The caller holds the gate.</summary>
    private StreamMessage[] TakeHeld()
    {
        if (_held is not { Count: > 0 } held)
        {
            return [];
        }

        var taken = held.Values.ToArray();
        held.Clear();
        return taken;
    }

    /// <summary>The caller holds the gate.</summary>
    private bool Accept(StreamMessage message, Action<StreamMessage> dispatch)
    {
        if (_repairing)
        {
            Hold(message);
            return false;
        }

        if (message.Epoch == _epoch && message.Seq <= _lastSeq)
        {
            return false;
        }

        // The next message, or the first of a new epoch (the stream started over: nothing of the new one is missing).
        if ((message.Epoch == _epoch && message.Seq == _lastSeq + 1) || (message.Epoch != _epoch && message.Seq == 1))
        {
            _epoch = message.Epoch;
            dispatch(message);
            _lastSeq = message.Seq;
            while (_held is { Count: > 0 } held && held.Keys[0] <= _lastSeq + 1)
            {
                var next = held.Values[0];
                held.RemoveAt(0);
                if (next.Epoch == _epoch && next.Seq == _lastSeq + 1)
                {
                    dispatch(next);
                    _lastSeq = next.Seq;
                }
            }

            return false;
        }

        // A gap, or another epoch: held until the history says what came in between.
        Hold(message);
        return true;
    }

    /// <summary>The caller holds the lock.</summary>
    private void Hold(StreamMessage message) => (_held ??= []).TryAdd(message.Seq, message);
}
