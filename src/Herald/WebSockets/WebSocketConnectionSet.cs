using System.Collections.Concurrent;

namespace Herald.WebSockets;

/// <summary>
/// Every open engine connection: what the sweeper visits and what shutdown closes. Once shutdown has begun it
/// admits no more, so nothing accepted late outlives the close sweep.
/// </summary>
internal sealed class WebSocketConnectionSet
{
    private readonly ConcurrentDictionary<long, WebSocketConnection> _connections = new();
    private int _count;
    private volatile bool _accepting = true;
    private TaskCompletionSource? _emptied;

    public int Count => Volatile.Read(ref _count);

    public bool IsAccepting => _accepting;

    /// <summary>Every open connection, read without locking or copying the whole set.</summary>
    public IEnumerable<WebSocketConnection> Connections
    {
        get
        {
            foreach (var pair in _connections)
            {
                yield return pair.Value;
            }
        }
    }

    /// <returns>False once shutdown has begun: the connection must be turned away.</returns>
    public bool TryAdd(WebSocketConnection connection)
    {
        _connections[connection.Id] = connection;
        Interlocked.Increment(ref _count);
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
        if (_connections.TryRemove(connection.Id, out _) && Interlocked.Decrement(ref _count) == 0)
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
}
