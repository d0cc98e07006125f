using Herald.WebSockets;

namespace Herald.Streams;

/// <summary>
/// A connection as streams, the registry and fan-out see it: somewhere to queue a message's frame, in the frame
/// format it reads, and a way to send it away. Nothing else of a connection reaches these layers. An abstract
/// class rather than an interface: fan-out calls it once per recipient, and a virtual call is the cheaper dispatch.
/// </summary>
internal abstract class StreamSubscriber
{
    /// <summary>Which of a message's frames this subscriber takes; the same for the subscriber's whole life.</summary>
    public abstract MessageFormat Format { get; }

    /// <summary>Queues a frame without waiting; never blocks.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="replayed">True for a message replayed from the history, which the queue's budget does not count.</param>
    /// <param name="burst">The fan-out the frame is part of, which may write it if the connection has nothing queued; null to leave it to the connection.</param>
    /// <returns>False when the subscriber is closing or has just been cut off for falling behind.</returns>
    public abstract bool TryEnqueue(OutboundFrame frame, bool replayed, SendBurst? burst = null);

    /// <summary>The application asked for the user to be disconnected.</summary>
    /// <returns>False when the subscriber was already closing.</returns>
    public abstract bool Disconnect(string reason);

    /// <summary>
    /// The node missed messages of one of the subscriber's streams that the history no longer holds: a subscriber
    /// that can resume is closed, dropping what is queued, so that its resume learns what was lost. One that cannot
    /// (the seed flavour) carries on.
    /// </summary>
    /// <returns>True when the subscriber started closing.</returns>
    public virtual bool RequestResume() => false;
}
