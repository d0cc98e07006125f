using System.Threading.Tasks.Sources;

namespace Herald.WebSockets;

/// <summary>What <see cref="FrameQueue.TryEnqueue(OutboundFrame, bool)"/> did.</summary>
internal enum EnqueueOutcome
{
    Queued,

    /// <summary>Queued, and an undelivered frame with the same conflation key was removed for it.</summary>
    QueuedReplacing,

    OverBudget,
    Completed,
}

/// <summary>
/// One connection's outgoing frames: many publishers, one send loop. Bounded by a message count and a byte
/// budget; one control frame (ping or pong) may wait beside them, outside the budget, and goes out first, and
/// frames replayed from the history are queued outside the budget too. Built for the hot path and for idle
/// connections: the ring buffer is allocated only once a frame arrives and handed back when a burst drains, and
/// waiting or waking the send loop allocates nothing (the queue is its own wait handle and its own thread-pool
/// work item). A frame with a conflation key replaces a queued one with the same key: the old one leaves its
/// place and the new one goes to the end, so the order of what is written stays the order of publishing.
/// Once a frame finds the budget full the queue hands out nothing more: what it holds at that moment is what the
/// slow consumer's close drops, however the send loop and the publisher are scheduled. Replies (frames that are
/// not published messages) are counted apart, so that the receive loop can stop reading a client whose answers
/// pile up unread (<see cref="WhenRepliesBelowAsync"/>). It locks itself (its object header) rather than a
/// <see cref="Lock"/> of its own, which would be 40 more bytes for every connection; nothing outside this class locks it.
/// </summary>
internal sealed class FrameQueue : IValueTaskSource<bool>, IThreadPoolWorkItem
{
    // A ring this small serves steady traffic; a burst grows it, and it shrinks back once the burst is written.
    private const int InitialCapacity = 4;
    private const int RetainedCapacity = 64;

    private readonly int _maxMessages;
    private readonly int _maxBytes;
    private Entry[] _ring = [];
    private OutboundFrame? _control;
    private int _head;
    private int _count;
    private int _budgeted;
    private int _bytes;
    private int _replies;
    private int _repliesThreshold;
    private TaskCompletionSource? _repliesBelowThreshold;
    private bool _completed;
    private bool _overflowed;
    private bool _readerWaiting;
    private bool _writingNow;
    private ManualResetValueTaskSourceCore<bool> _readerSignal;

    public FrameQueue(int maxMessages, int maxBytes)
    {
        _maxMessages = maxMessages;
        _maxBytes = maxBytes;
        _readerSignal.RunContinuationsAsynchronously = false;
    }

    /// <summary>Frames waiting that count against the budget (replayed frames do not).</summary>
    public int Count
    {
        get
        {
            lock (this)
            {
                return _budgeted;
            }
        }
    }

    /// <summary>Bytes waiting that count against the budget.</summary>
    public int Bytes
    {
        get
        {
            lock (this)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Frames waiting that are not published messages: replies to the client's own messages.</summary>
    public int RepliesWaiting
    {
        get
        {
            lock (this)
            {
                return _replies;
            }
        }
    }

    /// <summary>
    /// Completes once fewer than <paramref name="threshold"/> replies wait, or the queue stops handing frames out.
    /// Only the receive loop waits here, and rarely (a client that sends without reading), so it may allocate.
    /// </summary>
    public Task WhenRepliesBelowAsync(int threshold)
    {
        lock (this)
        {
            if (_replies < threshold || _completed || _overflowed)
            {
                return Task.CompletedTask;
            }

            _repliesThreshold = threshold;
            _repliesBelowThreshold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _repliesBelowThreshold.Task;
        }
    }

    /// <param name="frame">The frame to queue.</param>
    /// <param name="outsideBudget">
    /// True for a frame replayed from the history: it does not count against the budget, because its bytes are the
    /// history's and a resume must not cut off the connection it catches up.
    /// </param>
    public EnqueueOutcome TryEnqueue(OutboundFrame frame, bool outsideBudget = false) =>
        TryEnqueue(frame, outsideBudget, claimWriter: false, out _);

    /// <summary>
    /// Queues a frame; when the send loop waits for it and nobody writes, the caller may take the writing over
    /// instead of waking the send loop, as <see cref="TryBeginWriteNow"/> does: it then dequeues what is queued
    /// (this frame and whatever follows it meanwhile), writes it and calls <see cref="EndWriteNow"/>.
    /// </summary>
    /// <param name="frame">The frame to queue.</param>
    /// <param name="outsideBudget">True for a frame replayed from the history.</param>
    /// <param name="claimWriter">True when the caller takes the writing over from a waiting send loop.</param>
    /// <param name="writerClaimed">True when it did: the caller must write and end with <see cref="EndWriteNow"/>.</param>
    public EnqueueOutcome TryEnqueue(OutboundFrame frame, bool outsideBudget, bool claimWriter, out bool writerClaimed)
    {
        writerClaimed = false;
        EnqueueOutcome outcome;
        lock (this)
        {
            if (_completed)
            {
                return EnqueueOutcome.Completed;
            }

            var replacing = frame.ConflationKey is { } key ? IndexOfQueued(key) : -1;
            if (_overflowed || (!outsideBudget && OverBudget(frame, replacing)))
            {
                _overflowed = true;
                outcome = EnqueueOutcome.OverBudget;
            }
            else
            {
                outcome = Add(frame, outsideBudget, replacing);
                if (!_readerWaiting || _writingNow)
                {
                    return outcome;
                }

                if (claimWriter)
                {
                    // The send loop stays parked: until EndWriteNow the caller is this queue's only reader.
                    _writingNow = true;
                    writerClaimed = true;
                    return outcome;
                }

                _readerWaiting = false;
            }
        }

        if (outcome == EnqueueOutcome.OverBudget)
        {
            // Nothing is handed out any more: a receive loop waiting for replies to drain must not wait for ever.
            ReleaseRepliesWaiter();
            return outcome;
        }

        // Wake the send loop on the thread pool, never on the publisher's thread.
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return outcome;
    }

    /// <summary>
    /// Puts a control frame ahead of the queued messages; a newer one replaces one not yet written. Ignored once
    /// the queue is completed, when the Close frame is all that is left to send.
    /// </summary>
    public void SetControl(OutboundFrame frame)
    {
        lock (this)
        {
            if (_completed || _overflowed)
            {
                return;
            }

            _control = frame;
            if (!_readerWaiting || _writingNow)
            {
                return;
            }

            _readerWaiting = false;
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>
    /// Lets the caller write one frame to the connection itself, now, instead of queuing it: only while nothing is
    /// queued and the send loop waits, so the order of what is written stays the order of sending. Until
    /// <see cref="EndWriteNow"/>, frames sent meanwhile are queued and the send loop is not woken.
    /// </summary>
    /// <returns>False when the frame must be queued.</returns>
    public bool TryBeginWriteNow()
    {
        lock (this)
        {
            if (!_readerWaiting || _writingNow || _completed || _overflowed || _count > 0 || _control is not null)
            {
                return false;
            }

            _writingNow = true;
            return true;
        }
    }

    /// <summary>
    /// Ends what <see cref="TryBeginWriteNow"/> or a claiming <see cref="TryEnqueue(OutboundFrame, bool, bool, out bool)"/>
    /// began, once the frames are flushed (or failed): the send loop is woken if anything is left or arrived meanwhile.
    /// </summary>
    public void EndWriteNow()
    {
        lock (this)
        {
            _writingNow = false;
            if (!_readerWaiting || (_count == 0 && _control is null && !_completed && !_overflowed))
            {
                return;
            }

            _readerWaiting = false;
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    public bool TryDequeue(out OutboundFrame frame)
    {
        lock (this)
        {
            if (_overflowed)
            {
                frame = null!;
                return false;
            }

            if (_control is { } control)
            {
                _control = null;
                frame = control;
                return true;
            }

            if (_count == 0)
            {
                frame = null!;
                return false;
            }

            var entry = _ring[_head];
            frame = entry.Frame!;
            _ring[_head] = default;
            _head = (_head + 1) % _ring.Length;
            _count--;
            Release(entry);
            if (_count == 0 && _ring.Length > RetainedCapacity)
            {
                _ring = [];
                _head = 0;
            }

            if (_repliesBelowThreshold is null || _replies >= _repliesThreshold)
            {
                return true;
            }
        }

        ReleaseRepliesWaiter();
        return true;
    }

    /// <summary>
    /// Completes when a frame is waiting (true) or the queue is completed and empty or overflowed (false).
    /// Only the single reader may call it, and only once at a time.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (this)
        {
            if (!_overflowed && (_count > 0 || _control is not null))
            {
                return new ValueTask<bool>(true);
            }

            if (_completed)
            {
                return new ValueTask<bool>(false);
            }

            _readerSignal.Reset();
            _readerWaiting = true;
            return new ValueTask<bool>(this, _readerSignal.Version);
        }
    }

    /// <summary>Stops accepting frames; those already queued can still be read.</summary>
    public void Complete()
    {
        bool wakeReader;
        lock (this)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            // A frame being written now wakes the send loop when it is done.
            wakeReader = _readerWaiting && !_writingNow;
            if (wakeReader)
            {
                _readerWaiting = false;
            }
        }

        ReleaseRepliesWaiter();
        if (wakeReader)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>Empties the queue.</summary>
    /// <returns>How many published messages were thrown away (replies and control frames are not counted).</returns>
    public int Clear()
    {
        lock (this)
        {
            var dropped = 0;
            for (var i = 0; i < _count; i++)
            {
                if (_ring[(_head + i) % _ring.Length].Frame!.IsMessage)
                {
                    dropped++;
                }
            }

            _control = null;
            _ring = [];
            _head = 0;
            _count = 0;
            _budgeted = 0;
            _bytes = 0;
            _replies = 0;
            return dropped;
        }
    }

    void IThreadPoolWorkItem.Execute() => _readerSignal.SetResult(true);

    bool IValueTaskSource<bool>.GetResult(short token)
    {
        _readerSignal.GetResult(token);
        lock (this)
        {
            return !_completed || (!_overflowed && (_count > 0 || _control is not null));
        }
    }

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _readerSignal.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _readerSignal.OnCompleted(continuation, state, token, flags);

    /// <returns>The position in the queue of the frame with <paramref name="conflationKey"/>, or -1.</returns>
    private int IndexOfQueued(string conflationKey)
    {
        for (var i = 0; i < _count; i++)
        {
            if (string.Equals(_ring[(_head + i) % _ring.Length].Frame!.ConflationKey, conflationKey, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Whether <paramref name="frame"/> would break the budget, counting the queued frame it replaces (if any) as gone.</summary>
    private bool OverBudget(OutboundFrame frame, int replacing)
    {
        var (messages, bytes) = (_budgeted, (long)_bytes);
        if (replacing >= 0 && !_ring[(_head + replacing) % _ring.Length].OutsideBudget)
        {
            messages--;
            bytes -= _ring[(_head + replacing) % _ring.Length].Frame!.Length;
        }

        return messages >= _maxMessages || bytes + frame.Length > _maxBytes;
    }

    private void RemoveAt(int position)
    {
        Release(_ring[(_head + position) % _ring.Length]);
        for (var j = position; j < _count - 1; j++)
        {
            _ring[(_head + j) % _ring.Length] = _ring[(_head + j + 1) % _ring.Length];
        }

        _count--;
        _ring[(_head + _count) % _ring.Length] = default;
    }

    private EnqueueOutcome Add(OutboundFrame frame, bool outsideBudget, int replacing)
    {
        if (replacing >= 0)
        {
            RemoveAt(replacing);
        }

        if (_count == _ring.Length)
        {
            Resize(Math.Max(InitialCapacity, _ring.Length * 2));
        }

        _ring[(_head + _count) % _ring.Length] = new Entry(frame, outsideBudget);
        _count++;
        if (!frame.IsMessage)
        {
            _replies++;
        }

        if (!outsideBudget)
        {
            _budgeted++;
            _bytes += frame.Length;
        }

        return replacing >= 0 ? EnqueueOutcome.QueuedReplacing : EnqueueOutcome.Queued;
    }

    private void ReleaseRepliesWaiter()
    {
        TaskCompletionSource? waiter;
        lock (this)
        {
            waiter = _repliesBelowThreshold;
            _repliesBelowThreshold = null;
        }

        waiter?.TrySetResult();
    }

    private void Release(in Entry entry)
    {
        if (!entry.Frame!.IsMessage)
        {
            _replies--;
        }

        if (!entry.OutsideBudget)
        {
            _budgeted--;
            _bytes -= entry.Frame!.Length;
        }
    }

    private void Resize(int capacity)
    {
        var ring = new Entry[capacity];
        for (var i = 0; i < _count; i++)
        {
            ring[i] = _ring[(_head + i) % _ring.Length];
        }

        _ring = ring;
        _head = 0;
    }

    /// <summary>A queued frame, and whether it counts against the budget.</summary>
    private readonly record struct Entry(OutboundFrame? Frame, bool OutsideBudget);
}
