namespace Herald.WebSockets;

/// <summary>
/// Connections of one <see cref="SendBurst"/> whose writing the burst claimed: one thread-pool work item writes
/// each one's queued frames in turn, then the chunk goes back to a small pool, so that a broadcast allocates no
/// array per message.
/// </summary>
internal sealed class SendBurstChunk : IThreadPoolWorkItem
{
    /// <summary>
    /// Connections per work item: few enough that the writes of a broadcast spread over the thread pool's threads
    /// and that other work waits behind a chunk for about two milliseconds (a write costs 6 to 9 µs on loopback,
    /// most of it the <c>sendto</c>), many enough that the wake-ups are a small part of the cost.
    /// </summary>
    public const int Capacity = 256;

    // Enough for the chunks of a few broadcasts to 10,000 connections in flight at once; beyond it, chunks are garbage.
    private const int PoolCapacity = 64;

    private static readonly Lock PoolGate = new();
    private static readonly SendBurstChunk?[] Pool = new SendBurstChunk?[PoolCapacity];
    private static int _pooled;

    private readonly WebSocketConnection?[] _connections = new WebSocketConnection?[Capacity];
    private int _count;

    public static SendBurstChunk Rent()
    {
        lock (PoolGate)
        {
            if (_pooled > 0)
            {
                var chunk = Pool[--_pooled]!;
                Pool[_pooled] = null;
                return chunk;
            }
        }

        return new SendBurstChunk();
    }

    /// <returns>False when the chunk is full now: it must be dispatched.</returns>
    public bool Add(WebSocketConnection connection)
    {
        _connections[_count++] = connection;
        return _count < Capacity;
    }

    /// <summary>Writes the chunk's connections on the thread pool, never on the publisher's thread.</summary>
    public void Dispatch() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    void IThreadPoolWorkItem.Execute()
    {
        for (var i = 0; i < _count; i++)
        {
            var connection = _connections[i]!;
            _connections[i] = null;
            connection.WriteClaimed();
        }

        _count = 0;
        lock (PoolGate)
        {
            if (_pooled < PoolCapacity)
            {
                Pool[_pooled++] = this;
            }
        }
    }
}
