using Herald.Streams;
using Herald.WebSockets;

namespace Herald.Routing;

/// <summary>
/// The subscriptions of this node's connections to one user stream or topic stream. Delivery reads the array
/// without locking (it is replaced, never changed, on add and remove); the backplane delivers one stream's
/// messages one at a time, so every subscriber sees them in the same order. Once the last subscriber leaves, the
/// entry is retired and never reused, which lets the registry drop it without racing a new subscriber.
/// It locks itself (its object header) rather than a <see cref="Lock"/> of its own, which would be 40 more bytes for
/// every user with a connection; nothing outside this class locks it.
/// </summary>
internal sealed class StreamSubscribers
{
    // A message to this many connections or fewer (a user's tabs, a small topic) is written on the publisher's
    // thread to each connection that has nothing queued; to more, by the chunks of a SendBurst, so that a fan-out
    // neither holds its publisher for a write per connection nor wakes a send loop per connection.
    private const int MaxWritesOnPublisherThread = 4;

    private Subscription[] _subscriptions = [];
    private object? _backplaneState;
    private bool _retired;

    /// <summary>
    /// What a backplane serving several nodes keeps with the stream while this node has subscribers on it (see
    /// <see cref="IStreamInterest"/>), set and replaced by it alone with interlocked operations; null on one node.
    /// Kept here rather than in a map of the backplane's own, which would cost an entry per stream.
    /// </summary>
    public ref object? BackplaneState => ref _backplaneState;

    public int Count => Volatile.Read(ref _subscriptions).Length;

    /// <summary>The subscriptions of this moment (the array is replaced on every change, never changed).</summary>
    public IReadOnlyList<Subscription> Snapshot => Volatile.Read(ref _subscriptions);

    /// <summary>
    /// Adds the subscription unless the stream already has <paramref name="limit"/> subscribers: the count is
    /// checked under the same lock as the add, so logins racing for the last place cannot overshoot it.
    /// </summary>
    public SubscriberAddition TryAdd(Subscription subscription, int limit, out bool isFirst)
    {
        lock (this)
        {
            isFirst = _subscriptions.Length == 0;
            if (_retired)
            {
                return SubscriberAddition.Retired;
            }

            if (_subscriptions.Length >= limit)
            {
                return SubscriberAddition.Full;
            }

            Volatile.Write(ref _subscriptions, [.. _subscriptions, subscription]);
            return SubscriberAddition.Added;
        }
    }

    /// <summary>Removes the subscription; the entry retires when it was the last one.</summary>
    public SubscriberRemoval Remove(Subscription subscription)
    {
        lock (this)
        {
            var index = Array.IndexOf(_subscriptions, subscription);
            if (index < 0)
            {
                return SubscriberRemoval.NotFound;
            }

            if (_subscriptions.Length == 1)
            {
                Volatile.Write(ref _subscriptions, []);
                _retired = true;
                return SubscriberRemoval.RemovedLast;
            }

            var remaining = new Subscription[_subscriptions.Length - 1];
            Array.Copy(_subscriptions, 0, remaining, 0, index);
            Array.Copy(_subscriptions, index + 1, remaining, index, remaining.Length - index);
            Volatile.Write(ref _subscriptions, remaining);
            return SubscriberRemoval.Removed;
        }
    }

    /// <summary>Disconnects every subscriber, dropping what is queued for them.</summary>
    /// <returns>How many subscribers this started closing.</returns>
    public int DisconnectAll(string reason)
    {
        var closed = 0;
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (subscription.Subscriber.Disconnect(reason))
            {
                closed++;
            }
        }

        return closed;
    }

    /// <returns>How many subscribers started closing to resume.</returns>
    public int RequestResume()
    {
        var closed = 0;
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (subscription.Subscriber.RequestResume())
            {
                closed++;
            }
        }

        return closed;
    }

    /// <returns>How many subscribers accepted the message into their connection's queue.</returns>
    public int Deliver(StreamMessage message)
    {
        var accepted = 0;
        var subscriptions = Volatile.Read(ref _subscriptions);
        var burst = subscriptions.Length <= MaxWritesOnPublisherThread ? SendBurst.OnCallerThread : SendBurst.Start();
        try
        {
            foreach (var subscription in subscriptions)
            {
                if (subscription.Deliver(message, burst))
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
}

/// <summary>What <see cref="StreamSubscribers.TryAdd"/> did.</summary>
internal enum SubscriberAddition
{
    Added,

    /// <summary>The stream has as many subscribers as the limit allows.</summary>
    Full,

    /// <summary>The entry is retired: a fresh one must be made.</summary>
    Retired,
}

/// <summary>What <see cref="StreamSubscribers.Remove"/> did.</summary>
internal enum SubscriberRemoval
{
    NotFound,
    Removed,
    RemovedLast,
}
