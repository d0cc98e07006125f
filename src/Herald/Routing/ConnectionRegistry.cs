using System.Collections.Concurrent;
using Herald.Connections;

namespace Herald.Routing;

/// <summary>
/// Every open connection, and the index from user ID to that user's connections. Finding a user's
/// connections is one dictionary lookup, never a scan of all connections.
/// </summary>
internal sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<long, ClientConnection> _connections = new();
    private readonly ConcurrentDictionary<string, UserConnections> _users = new(StringComparer.Ordinal);
    private int _connectionCount;
    private int _loggedInCount;
    private int _userCount;
    private volatile bool _accepting = true;
    private TaskCompletionSource? _emptied;

    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    public int PendingLoginCount => Math.Max(0, ConnectionCount - Volatile.Read(ref _loggedInCount));

    public int UserCount => Volatile.Read(ref _userCount);

    public bool IsAccepting => _accepting;

    /// <summary>Every open connection, read without locking or copying the whole set.</summary>
    public IEnumerable<ClientConnection> Connections
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
    public bool TryAdd(ClientConnection connection)
    {
        _connections[connection.Id] = connection;
        Interlocked.Increment(ref _connectionCount);
        if (_accepting)
        {
            return true;
        }

        // Shutdown began while this connection was being accepted: it must not outlive the close sweep.
        Remove(connection);
        return false;
    }

    public void Remove(ClientConnection connection)
    {
        if (!_connections.TryRemove(connection.Id, out _))
        {
            return;
        }

        if (connection.UserId is { } userId)
        {
            RemoveFromUser(userId, connection);
        }

        if (Interlocked.Decrement(ref _connectionCount) == 0)
        {
            Volatile.Read(ref _emptied)?.TrySetResult();
        }
    }

    public void AddToUser(string userId, ClientConnection connection)
    {
        while (true)
        {
            var user = _users.GetOrAdd(userId, static _ => new UserConnections());
            if (user.TryAdd(connection, out var isFirst))
            {
                Interlocked.Increment(ref _loggedInCount);
                if (isFirst)
                {
                    Interlocked.Increment(ref _userCount);
                }

                return;
            }

            // The entry was retired between the lookup and the add; its removal from the map is imminent.
            _users.TryRemove(new KeyValuePair<string, UserConnections>(userId, user));
        }
    }

    public void RemoveFromUser(string userId, ClientConnection connection)
    {
        if (!_users.TryGetValue(userId, out var user))
        {
            return;
        }

        var removal = user.Remove(connection);
        if (removal == UserRemoval.NotFound)
        {
            return;
        }

        Interlocked.Decrement(ref _loggedInCount);
        if (removal == UserRemoval.RemovedLast)
        {
            Interlocked.Decrement(ref _userCount);
            _users.TryRemove(new KeyValuePair<string, UserConnections>(userId, user));
        }
    }

    public UserConnections? FindUser(string userId) => _users.GetValueOrDefault(userId);

    /// <summary>Stops admitting connections; <see cref="TryAdd"/> refuses from now on.</summary>
    public void StopAccepting() => _accepting = false;

    /// <summary>Completes when no connection is left.</summary>
    public Task WhenEmptyAsync(CancellationToken cancellationToken)
    {
        var emptied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _emptied, emptied);
        if (ConnectionCount == 0)
        {
            emptied.TrySetResult();
        }

        return emptied.Task.WaitAsync(cancellationToken);
    }
}
