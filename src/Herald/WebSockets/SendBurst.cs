namespace Herald.WebSockets;

/// <summary>
/// How one fan-out's frames reach the connections whose send loops wait with nothing queued. Waking each send loop
/// costs a thread-pool work item and a turn of the loop per connection (measured: about a fifth of a broadcast
/// copy's user time, docs/benchmarks.md); writing every copy on the publisher's thread would serialize a broadcast
/// behind thousands of writes. So a fan-out to a few connections
/// writes to each idle one at once on its own thread (<see cref="OnCallerThread"/>), and a fan-out to many
/// (<see cref="Start"/>) takes the writing over from each idle connection's send loop as it queues the frame, and
/// hands those connections, <see cref="SendBurstChunk.Capacity"/> at a time, to thread-pool work items that write
/// each one's queue in one flush: one wake-up per chunk instead of one per connection. A connection already being
/// written keeps its frame in its queue, behind what it holds, for whoever writes it, so frames queued by later
/// messages before a chunk reaches a connection go out in the same write. One fan-out runs on one thread.
/// </summary>
internal sealed class SendBurst
{
    /// <summary>For a message to a few connections: an idle one is written on the publisher's thread, at once.</summary>
    public static readonly SendBurst OnCallerThread = new(writesOnCallerThread: true);

    private SendBurstChunk? _chunk;

    private SendBurst(bool writesOnCallerThread) => WritesOnCallerThread = writesOnCallerThread;

    /// <summary>True when an idle connection's frame is written on the caller's thread instead of being handed to a chunk.</summary>
    public bool WritesOnCallerThread { get; }

    /// <summary>A burst for a message to many connections; <see cref="Complete"/> it once every frame is queued.</summary>
    public static SendBurst Start() => new(writesOnCallerThread: false);

    /// <summary>Hands the connections still gathered to the thread pool. Call it once the fan-out has queued its last frame, also when it failed.</summary>
    public void Complete()
    {
        _chunk?.Dispatch();
        _chunk = null;
    }

    /// <summary>
    /// Takes a connection whose writing this burst claimed from its queue: it is written once its chunk runs. A
    /// full chunk is handed to the thread pool at once, so writing overlaps the rest of the fan-out.
    /// </summary>
    internal void Add(WebSocketConnection connection)
    {
        var chunk = _chunk ??= SendBurstChunk.Rent();
        if (chunk.Add(connection))
        {
            return;
        }

        chunk.Dispatch();
        _chunk = null;
    }
}
