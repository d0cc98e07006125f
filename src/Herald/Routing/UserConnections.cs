using Herald.Connections;
using Herald.Delivery;

namespace Herald.Routing;

/// <summary>
/// The live connections of one user. Enqueueing to all of them happens under one lock, so every
/// connection of a user sees the user's messages in the same order. Once the last connection leaves,
/// the entry is retired and never reused, which lets the registry drop it without racing a new login.
/// </summary>
internal sealed class UserConnections
{
    private readonly Lock _gate = new();
    private ClientConnection[] _connections = [];
    private bool _retired;

    public int Count => Volatile.Read(ref _connections).Length;

    /// <returns>False when the entry is retired and a fresh one must be made.</returns>
    public bool TryAdd(ClientConnection connection, out bool isFirst)
    {
        lock (_gate)
        {
            isFirst = _connections.Length == 0;
            if (_retired)
            {
                return false;
            }

            _connections = [.. _connections, connection];
            return true;
        }
    }

    /// <summary>Removes the connection; the entry retires when it was the last one.</summary>
    public UserRemoval Remove(ClientConnection connection)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_connections, connection);
            if (index < 0)
            {
                return UserRemoval.NotFound;
            }

            if (_connections.Length == 1)
            {
                _connections = [];
                _retired = true;
                return UserRemoval.RemovedLast;
            }

            var remaining = new ClientConnection[_connections.Length - 1];
            Array.Copy(_connections, 0, remaining, 0, index);
            Array.Copy(_connections, index + 1, remaining, index, remaining.Length - index);
            _connections = remaining;
            return UserRemoval.Removed;
        }
    }

    /// <summary>Closes every connection of the user with <paramref name="code"/>, dropping what is queued for them.</summary>
    /// <returns>How many connections this started closing.</returns>
    public int CloseAll(int code, string reason)
    {
        lock (_gate)
        {
            var closed = 0;
            foreach (var connection in _connections)
            {
                if (connection.RequestClose(code, reason, discardQueued: true))
                {
                    closed++;
                }
            }

            return closed;
        }
    }

    /// <returns>How many connections accepted the frame into their queue.</returns>
    public int Enqueue(OutboundFrame frame)
    {
        lock (_gate)
        {
            var accepted = 0;
            foreach (var connection in _connections)
            {
                if (connection.TryEnqueue(frame))
                {
                    accepted++;
                }
            }

            return accepted;
        }
    }
}

/// <summary>What <see cref="UserConnections.Remove"/> did.</summary>
internal enum UserRemoval
{
    NotFound,
    Removed,
    RemovedLast,
}
