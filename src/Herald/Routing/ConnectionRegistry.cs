using System.Collections.Concurrent;
using Herald.Streams;
using Herald.WebSockets;

namespace Herald.Routing;

/// <summary>
/// Who is logged in on this node: the indexes from user ID and from topic name to their subscribers. Finding a
/// user's or a topic's connections is one dictionary lookup, never a scan of all connections; a broadcast, which
/// goes to all of them, walks the open connections. It is changed only through each connection's
/// <see cref="ConnectionMembership"/>.
/// </summary>
internal sealed class ConnectionRegistry(WebSocketConnectionSet connections, IStreamInterest? interest = null)
{
    private readonly ConcurrentDictionary<string, StreamSubscribers> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StreamSubscribers> _topics = new(StringComparer.Ordinal);
    private int _loggedInCount;
    private int _userCount;

    /// <summary>Connections logged in as some user.</summary>
    public int LoggedInCount => Volatile.Read(ref _loggedInCount);

    public int UserCount => Volatile.Read(ref _userCount);

    public int TopicCount => _topics.Count;

    public StreamSubscribers? FindUser(string userId) => _users.GetValueOrDefault(userId);

    public StreamSubscribers? FindTopic(string topic) => _topics.GetValueOrDefault(topic);

    /// <summary>The entry of a user or topic stream this node has subscribers on; null for the broadcast stream, which has none.</summary>
    public StreamSubscribers? Find(StreamId stream) => stream.Kind switch
    {
        StreamKind.User => FindUser(stream.Target),
        StreamKind.Topic => FindTopic(stream.Target),
        _ => null,
    };

    /// <summary>The entries of every user and topic stream this node has subscribers on, as the maps hold them while they are walked.</summary>
    public IEnumerable<StreamSubscribers> Streams => _users.Select(static pair => pair.Value).Concat(_topics.Select(static pair => pair.Value));

    /// <returns>How many logged-in connections accepted the message into their queue.</returns>
    public int DeliverToAll(StreamMessage message)
    {
        // The open set rather than an index of its own: a dictionary entry per connection, and the copies of them a
        // growing dictionary leaves behind, cost idle memory (docs/benchmarks.md). Its slots are given out in the
        // order the connections were made (a freed one first), so the walk visits the connections' objects in about
        // that order, not at random (measured: about 4 % more copies per CPU-second at 10,000 connections than in
        // hash order).
        var accepted = 0;
        var burst = SendBurst.Start();
        try
        {
            foreach (var connection in connections.Connections)
            {
                if (connection.Session is ConnectionMembership { BroadcastRecipient: { } broadcast } && broadcast.Deliver(message, burst))
                {
                    accepted++;
                }
            }
        }
        finally
        {
            burst.Complete();
        }

        return accepted;
    }

    /// <summary>The broadcast stream missed messages the history no longer holds: every connection that can resume must.</summary>
    /// <returns>How many connections started closing.</returns>
    public int RequestResumeOfAll()
    {
        var closed = 0;
        foreach (var connection in connections.Connections)
        {
            if (connection.Session is ConnectionMembership { BroadcastRecipient: not null } member && member.RequestResume())
            {
                closed++;
            }
        }

        return closed;
    }

    /// <summary>A connection logged in: it joins its user's stream (and, by being open and logged in, the broadcast stream).</summary>
    /// <param name="user">Its place on the user's stream.</param>
    /// <param name="maxConnections">How many connections the user may have on this node; the login is refused at that many.</param>
    /// <returns>False when the user already has <paramref name="maxConnections"/> connections: nothing was added.</returns>
    internal bool TryAddLoggedIn(Subscription user, int maxConnections)
    {
        if (TryAdd(_users, user, maxConnections, out var isFirst) is not { } subscribers)
        {
            return false;
        }

        interest?.Added(user.Stream, subscribers);
        Interlocked.Increment(ref _loggedInCount);
        if (isFirst)
        {
            Interlocked.Increment(ref _userCount);
        }

        return true;
    }

    internal void RemoveLoggedIn(Subscription user)
    {
        var (removal, subscribers) = Remove(_users, user);
        if (removal == SubscriberRemoval.NotFound)
        {
            return;
        }

        interest?.Removed(user.Stream, subscribers!);
        Interlocked.Decrement(ref _loggedInCount);
        if (removal == SubscriberRemoval.RemovedLast)
        {
            Interlocked.Decrement(ref _userCount);
        }
    }

    internal void AddToTopic(Subscription subscription)
    {
        var subscribers = TryAdd(_topics, subscription, int.MaxValue, out _)!;
        interest?.Added(subscription.Stream, subscribers);
    }

    internal void RemoveFromTopic(Subscription subscription)
    {
        var (removal, subscribers) = Remove(_topics, subscription);
        if (removal != SubscriberRemoval.NotFound)
        {
            interest?.Removed(subscription.Stream, subscribers!);
        }
    }

    /// <summary>Adds the subscription to its stream's entry, making the entry if need be, unless the stream is full.</summary>
    /// <returns>The entry the subscription went in, or null when the stream already has <paramref name="limit"/> subscribers; <paramref name="isFirst"/> is true when the subscription is the stream's first on this node.</returns>
    private static StreamSubscribers? TryAdd(ConcurrentDictionary<string, StreamSubscribers> index, Subscription subscription, int limit, out bool isFirst)
    {
        var target = subscription.Stream.Target;
        while (true)
        {
            var subscribers = index.GetOrAdd(target, static _ => new StreamSubscribers());
            switch (subscribers.TryAdd(subscription, limit, out isFirst))
            {
                case SubscriberAddition.Added:
                    return subscribers;
                case SubscriberAddition.Full:
                    return null;
            }

            // The entry was retired between the lookup and the add; its removal from the map is imminent.
            index.TryRemove(new KeyValuePair<string, StreamSubscribers>(target, subscribers));
        }
    }

    private static (SubscriberRemoval Removal, StreamSubscribers? Subscribers) Remove(ConcurrentDictionary<string, StreamSubscribers> index, Subscription subscription)
    {
        var target = subscription.Stream.Target;
        if (!index.TryGetValue(target, out var subscribers))
        {
            return (SubscriberRemoval.NotFound, null);
        }

        var removal = subscribers.Remove(subscription);
        if (removal == SubscriberRemoval.RemovedLast)
        {
            index.TryRemove(new KeyValuePair<string, StreamSubscribers>(target, subscribers));
        }

        return (removal, subscribers);
    }
}
