using Herald.WebSockets;

namespace Herald.Streams;

/// <summary>
/// A connection as streams, the registry and fan-out see it: somewhere to queue a message's frame, in the frame
/// format it reads, and a way to send it away. Nothing else of a connection reaches these layers.
/// </summary>
internal interface IStreamSubscriber
{
    /// <summary>Which of a message's frames this subscriber takes.</summary>
    MessageFormat Format { get; }

    /// <summary>Queues a frame without waiting; never blocks.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="replayed">True for a message replayed from the history, which the queue's budget does not count.</param>
    /// <returns>False when the subscriber is closing or has just been cut off for falling behind.</returns>
    bool TryEnqueue(OutboundFrame frame, bool replayed);

    /// <summary>The application asked for the user to be disconnected.</summary>
    /// <returns>False when the subscriber was already closing.</returns>
    bool Disconnect(string reason);
}
