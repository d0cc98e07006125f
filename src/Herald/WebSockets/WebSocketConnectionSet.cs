namespace Herald.WebSockets;

/// <summary>
/// Every open engine connection: what the sweeper visits, what a broadcast walks and what shutdown closes. Once
/// shutdown has begun it admits no more, so nothing accepted late outlives the close sweep.
/// </summary>
/// <remarks>
/// An array of slots rather than a dictionary: a connection costs its slot (and a free-list entry once it has gone),
/// not a node of 48 bytes, and a growing array leaves one old array behind instead of a copy of every node (a
/// <see cref="System.Collections.Concurrent.ConcurrentDictionary{TKey, TValue}"/> rebuilds all of its nodes each
/// time it grows). A connection keeps the index of its slot; a freed slot is the next one given out. Readers walk
/// the array without a lock, as they walked the dictionary: a connection added or removed during a walk may or may
/// not be seen, and one seen after its removal has ended, which every reader checks.
/// </remarks>
internal sealed class WebSocketConnectionSet
{
    private const int InitialCapacity = 64;

    private readonly Lock _gate = new();
    private WebSocketConnection?[] _slots = new WebSocketConnection?[InitialCapacity];
    private int[] _freeSlots = new int[InitialCapacity];
    private int _freeCount;
    private int _slotsUsed;
    private int _count;
    private volatile bool _accepting = true;
    private TaskCompletionSource? _emptied;

    public int Count => Volatile.Read(ref _count);

    public bool IsAccepting => _accepting;

    /// <summary>Every open connection, in the order of their slots, read without locking or copying the whole set.</summary>
    public IEnumerable<WebSocketConnection> Connections
    {
        get
        {
            var slots = Volatile.Read(ref _slots);
            var used = Math.Min(Volatile.Read(ref _slotsUsed), slots.Length);
            for (var i = 0; i < used; i++)
            {
                if (Volatile.Read(ref slots[i]) is { } connection)
                {
                    yield return connection;
                }
            }
        }
    }

    /// <returns>False once shutdown has begun: the connection must be turned away.</returns>
    public bool TryAdd(WebSocketConnection connection)
    {
        lock (_gate)
        {
            var slot = _freeCount > 0 ? _freeSlots[--_freeCount] : TakeNewSlot();
            connection.SlotInSet = slot;
            Volatile.Write(ref _slots[slot], connection);
            _count++;
        }

        if (_accepting)
        {
            return true;
        }

        // Shutdown began while this connection was being accepted: it must not outlive the close sweep.
        Remove(connection);
        return false;
    }

    public void Remove(WebSocketConnection connection)
    {
        bool emptied;
        lock (_gate)
        {
            var slot = connection.SlotInSet;
            if (slot < 0 || _slots[slot] != connection)
            {
                return;
            }

            Volatile.Write(ref _slots[slot], null);
            connection.SlotInSet = -1;
            _freeSlots[_freeCount++] = slot;
            emptied = --_count == 0;
        }

        if (emptied)
        {
            Volatile.Read(ref _emptied)?.TrySetResult();
        }
    }

    /// <summary>Stops admitting connections; <see cref="TryAdd"/> refuses from now on.</summary>
    public void StopAccepting() => _accepting = false;

    /// <summary>Completes when no connection is left.</summary>
    public Task WhenEmptyAsync(CancellationToken cancellationToken)
    {
        var emptied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _emptied, emptied);
        if (Count == 0)
        {
            emptied.TrySetResult();
        }

        return emptied.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The next never-used slot, doubling both arrays when they are full. Called under the lock.</summary>
    private int TakeNewSlot()
    {
        if (_slotsUsed == _slots.Length)
        {
            var slots = new WebSocketConnection?[_slots.Length * 2];
            _slots.CopyTo(slots, 0);
            Array.Resize(ref _freeSlots, slots.Length);
            Volatile.Write(ref _slots, slots);
        }

        // Published after the slot's array: a reader that sees the count finds an array that holds the slot.
        var slot = _slotsUsed;
        Volatile.Write(ref _slotsUsed, slot + 1);
        return slot;
    }
}
