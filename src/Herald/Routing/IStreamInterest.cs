using Herald.Streams;

namespace Herald.Routing;

/// <summary>
/// Told of every subscription this node's connections add to or remove from a user or topic stream, so that a
/// backplane serving several nodes receives only the streams this node has subscribers on. One node needs none:
/// the registry then calls nothing. The broadcast stream is every logged-in connection's, and always wanted.
/// </summary>
internal interface IStreamInterest
{
    /// <summary>A subscription of this node joined <paramref name="stream"/>, whose entry is <paramref name="subscribers"/>; called before its history is read.</summary>
    void Added(StreamId stream, StreamSubscribers subscribers);

    /// <summary>A subscription of this node left <paramref name="stream"/>, whose entry is <paramref name="subscribers"/> (retired when it was the last).</summary>
    void Removed(StreamId stream, StreamSubscribers subscribers);
}
