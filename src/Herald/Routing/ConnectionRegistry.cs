using System.Collections.Concurrent;
using Herald.Connections;
using Herald.Streams;

namespace Herald.Routing;

/// <summary>
/// Every open connection, and the indexes from user ID and from topic name to their subscribers on this node.
/// Finding a stream's connections is one dictionary lookup, never a scan of all connections.
/// </summary>
internal sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<long, ClientConnection> _connections = new();
    private readonly ConcurrentDictionary<string, StreamSubscribers> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StreamSubscribers> _topics = new(StringComparer.Ordinal);
    private int _connectionCount;
    private int _loggedInCount;
    private int _userCount;
    private volatile bool _accepting = true;
    private TaskCompletionSource? _emptied;

    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    public int PendingLoginCount => Math.Max(0, ConnectionCount - Volatile.Read(ref _loggedInCount));

    public int UserCount => Volatile.Read(ref _userCount);

    public int TopicCount => _topics.Count;

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

        if (connection.UserSubscription is { } user)
        {
            RemoveFromUser(user);
        }

        foreach (var topic in connection.TopicSubscriptions)
        {
            RemoveFromTopic(topic);
        }

        if (Interlocked.Decrement(ref _connectionCount) == 0)
        {
            Volatile.Read(ref _emptied)?.TrySetResult();
        }
    }

    public void AddToUser(Subscription subscription)
    {
        var isFirst = Add(_users, subscription);
        Interlocked.Increment(ref _loggedInCount);
        if (isFirst)
        {
            Interlocked.Increment(ref _userCount);
        }
    }

    public void RemoveFromUser(Subscription subscription)
    {
        var removal = Remove(_users, subscription);
        if (removal == SubscriberRemoval.NotFound)
        {
            return;
        }

        Interlocked.Decrement(ref _loggedInCount);
        if (removal == SubscriberRemoval.RemovedLast)
        {
            Interlocked.Decrement(ref _userCount);
        }
    }

    public void AddToTopic(Subscription subscription) => Add(_topics, subscription);

    public void RemoveFromTopic(Subscription subscription) => Remove(_topics, subscription);

    public StreamSubscribers? FindUser(string userId) => _users.GetValueOrDefault(userId);

    public StreamSubscribers? FindTopic(string topic) => _topics.GetValueOrDefault(topic);

    /// <returns>How many connections on the broadcast stream accepted the message into their queue.</returns>
    public int DeliverToAll(StreamMessage message)
    {
        var accepted = 0;
        foreach (var pair in _connections)
        {
            if (pair.Value.BroadcastSubscription?.Deliver(message) == true)
            {
                accepted++;
            }
        }

        return accepted;
    }

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

    /// <returns>True when the subscription is the stream's first on this node.</returns>
    private static bool Add(ConcurrentDictionary<string, StreamSubscribers> index, Subscription subscription)
    {
        var target = subscription.Stream.Target;
        while (true)
        {
            var subscribers = index.GetOrAdd(target, static _ => new StreamSubscribers());
            if (subscribers.TryAdd(subscription, out var isFirst))
            {
                return isFirst;
            }

            // The entry was retired between the lookup and the add; its removal from the map is imminent.
            index.TryRemove(new KeyValuePair<string, StreamSubscribers>(target, subscribers));
        }
    }

    private static SubscriberRemoval Remove(ConcurrentDictionary<string, StreamSubscribers> index, Subscription subscription)
    {
        var target = subscription.Stream.Target;
        if (!index.TryGetValue(target, out var subscribers))
        {
            return SubscriberRemoval.NotFound;
        }

        var removal = subscribers.Remove(subscription);
        if (removal == SubscriberRemoval.RemovedLast)
        {
            index.TryRemove(new KeyValuePair<string, StreamSubscribers>(target, subscribers));
        }

        return removal;
    }
}
