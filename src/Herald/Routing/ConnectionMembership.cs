using Herald.Streams;

namespace Herald.Routing;

/// <summary>
/// A subscriber with its place in the registry: its user stream, the broadcast stream and its topics. Every change
/// a connection makes to the registry goes through here, and <see cref="Leave"/> (called once, by the code that
/// runs the connection, when it has ended) takes all of it out again, so nothing of a closed connection stays.
/// A base class rather than an object of its own, because an idle connection pays for every object it keeps.
/// Used by one connection's receive loop at a time.
/// </summary>
internal abstract class ConnectionMembership(ConnectionRegistry registry) : StreamSubscriber
{
    private Dictionary<string, Subscription>? _topics;
    private volatile bool _left;

    /// <summary>The connection's place on its user stream; null until login.</summary>
    public Subscription? User { get; private set; }

    /// <summary>The connection's place on the broadcast stream; null until login.</summary>
    public Subscription? Broadcast { get; private set; }

    /// <summary>Where a broadcast reaches this connection: its broadcast place while it is logged in and has not left.</summary>
    public Subscription? BroadcastRecipient => _left ? null : Broadcast;

    protected int TopicCount => _topics?.Count ?? 0;

    /// <summary>The topics the connection is on.</summary>
    protected IEnumerable<string> Topics => _topics?.Keys ?? Enumerable.Empty<string>();

    /// <summary>
    /// A copy of the topics the connection is on, safe from any thread: the receive loop changes the set under its
    /// lock, and only this copy (an operator's lookup) takes the lock from elsewhere.
    /// </summary>
    protected IReadOnlyList<string> TopicsSnapshot()
    {
        if (_topics is not { } topics)
        {
            return [];
        }

        lock (topics)
        {
            return [.. topics.Keys];
        }
    }

    /// <summary>What an operator's lookup shows of this connection (<c>GET /api/v1/users/{uid}</c>).</summary>
    public abstract UserConnection Describe();

    protected bool IsOnTopic(string topic) => _topics?.ContainsKey(topic) == true;

    /// <summary>
    /// Puts this subscriber on the user's stream and the broadcast stream: live at once, or
    /// (<paramref name="joining"/>) holding live messages until each join completes.
    /// </summary>
    /// <returns>False, and on no stream, when the user already has <paramref name="maxConnections"/> connections on this node.</returns>
    protected bool TryJoinUser(string userId, bool joining, int maxConnections)
    {
        ObjectDisposedException.ThrowIf(_left, this);
        if (User is not null)
        {
            throw new InvalidOperationException("The connection is logged in already.");
        }

        var user = Create(StreamId.ForUser(userId), joining);
        if (!registry.TryAddLoggedIn(user, maxConnections))
        {
            return false;
        }

        User = user;
        Broadcast = Create(StreamId.Broadcast, joining);
        return true;
    }

    /// <summary>Puts this subscriber on a topic's stream, holding live messages until the join completes.</summary>
    protected Subscription JoinTopic(string topic)
    {
        ObjectDisposedException.ThrowIf(_left, this);
        var subscription = Subscription.Joining(this, StreamId.ForTopic(topic));
        var topics = _topics ??= new Dictionary<string, Subscription>(StringComparer.Ordinal);
        lock (topics)
        {
            topics.Add(topic, subscription);
        }

        registry.AddToTopic(subscription);
        return subscription;
    }

    /// <returns>False when the connection was not on the topic.</returns>
    protected bool LeaveTopic(string topic)
    {
        if (_topics is not { } topics)
        {
            return false;
        }

        Subscription? subscription;
        lock (topics)
        {
            if (!topics.Remove(topic, out subscription))
            {
                return false;
            }
        }

        registry.RemoveFromTopic(subscription);
        return true;
    }

    /// <summary>Takes the connection out of every index it is in. Safe to call more than once.</summary>
    public void Leave()
    {
        if (_left)
        {
            return;
        }

        _left = true;
        if (User is { } user)
        {
            registry.RemoveLoggedIn(user);
        }

        foreach (var subscription in _topics?.Values ?? Enumerable.Empty<Subscription>())
        {
            registry.RemoveFromTopic(subscription);
        }

        _topics = null;
    }

    private Subscription Create(StreamId stream, bool joining) =>
        joining ? Subscription.Joining(this, stream) : Subscription.Live(this, stream);
}
