using System.Threading.Tasks.Sources;
using Herald.Delivery;

namespace Herald.Connections;

/// <summary>What <see cref="FrameQueue.TryEnqueue"/> did.</summary>
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
/// budget; one control frame (ping or pong) may wait beside them, outside the budget, and goes out first. Built for the hot path and for idle connections: the ring buffer is allocated only once a frame
/// arrives and handed back when a burst drains, and waiting or waking the send loop allocates nothing (the
/// queue is its own wait handle and its own thread-pool work item). A frame with a conflation key replaces a
/// queued one with the same key: the old one leaves its place and the new one goes to the end, so the order of
/// what is written stays the order of publishing.
/// </summary>
internal sealed class FrameQueue : IValueTaskSource<bool>, IThreadPoolWorkItem
{
    // A ring this small serves steady traffic; a burst grows it, and it shrinks back once the burst is written.
    private const int InitialCapacity = 4;
    private const int RetainedCapacity = 64;

    private readonly Lock _gate = new();
    private readonly int _maxMessages;
    private readonly int _maxBytes;
    private OutboundFrame?[] _ring = [];
    private OutboundFrame? _control;
    private int _head;
    private int _count;
    private int _bytes;
    private bool _completed;
    private bool _readerWaiting;
    private ManualResetValueTaskSourceCore<bool> _readerSignal;

    public FrameQueue(int maxMessages, int maxBytes)
    {
        _maxMessages = maxMessages;
        _maxBytes = maxBytes;
        _readerSignal.RunContinuationsAsynchronously = false;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public int Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    public EnqueueOutcome TryEnqueue(OutboundFrame frame)
    {
        EnqueueOutcome outcome;
        lock (_gate)
        {
            if (_completed)
            {
                return EnqueueOutcome.Completed;
            }

            var replaced = frame.ConflationKey is { } key && RemoveQueued(key);
            if (_count == _maxMessages || _bytes + (long)frame.Length > _maxBytes)
            {
                return EnqueueOutcome.OverBudget;
            }

            if (_count == _ring.Length)
            {
                Resize(Math.Min(Math.Max(InitialCapacity, _ring.Length * 2), _maxMessages));
            }

            _ring[(_head + _count) % _ring.Length] = frame;
            _count++;
            _bytes += frame.Length;
            outcome = replaced ? EnqueueOutcome.QueuedReplacing : EnqueueOutcome.Queued;
            if (!_readerWaiting)
            {
                return outcome;
            }

            _readerWaiting = false;
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
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _control = frame;
            if (!_readerWaiting)
            {
                return;
            }

            _readerWaiting = false;
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    public bool TryDequeue(out OutboundFrame frame)
    {
        lock (_gate)
        {
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

            frame = _ring[_head]!;
            _ring[_head] = null;
            _head = (_head + 1) % _ring.Length;
            _count--;
            _bytes -= frame.Length;
            if (_count == 0 && _ring.Length > RetainedCapacity)
            {
                _ring = [];
                _head = 0;
            }

            return true;
        }
    }

    /// <summary>
    /// Completes when a frame is waiting (true) or the queue is completed and empty (false).
    /// Only the single reader may call it, and only once at a time.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (_gate)
        {
            if (_count > 0 || _control is not null)
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
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            if (!_readerWaiting)
            {
                return;
            }

            _readerWaiting = false;
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Empties the queue.</summary>
    /// <returns>How many messages were thrown away.</returns>
    public int Clear()
    {
        lock (_gate)
        {
            var dropped = _count;
            _control = null;
            _ring = [];
            _head = 0;
            _count = 0;
            _bytes = 0;
            return dropped;
        }
    }

    void IThreadPoolWorkItem.Execute() => _readerSignal.SetResult(true);

    bool IValueTaskSource<bool>.GetResult(short token)
    {
        _readerSignal.GetResult(token);
        lock (_gate)
        {
            return _count > 0 || _control is not null || !_completed;
        }
    }

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _readerSignal.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _readerSignal.OnCompleted(continuation, state, token, flags);

    /// <returns>True when a queued frame with <paramref name="conflationKey"/> was found and removed.</returns>
    private bool RemoveQueued(string conflationKey)
    {
        for (var i = 0; i < _count; i++)
        {
            var index = (_head + i) % _ring.Length;
            if (!string.Equals(_ring[index]!.ConflationKey, conflationKey, StringComparison.Ordinal))
            {
                continue;
            }

            _bytes -= _ring[index]!.Length;
            for (var j = i; j < _count - 1; j++)
            {
                _ring[(_head + j) % _ring.Length] = _ring[(_head + j + 1) % _ring.Length];
            }

            _count--;
            _ring[(_head + _count) % _ring.Length] = null;
            return true;
        }

        return false;
    }

    private void Resize(int capacity)
    {
        var ring = new OutboundFrame?[capacity];
        for (var i = 0; i < _count; i++)
        {
            ring[i] = _ring[(_head + i) % _ring.Length];
        }

        _ring = ring;
        _head = 0;
    }
}
