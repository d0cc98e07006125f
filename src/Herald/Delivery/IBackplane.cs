using Herald.Streams;

namespace Herald.Delivery;

/// <summary>
/// Carries a published message (or a disconnect) to every node that may hold its stream's connections. One node
/// needs only <see cref="InMemoryBackplane"/>; the Redis backplane implements the same seam for several.
/// </summary>
internal interface IBackplane
{
    /// <summary>
    /// Gives the message its place in the stream (the next seq, kept in the history) and delivers it, in one step
    /// per stream: messages of one stream reach every node in seq order.
    /// </summary>
    ValueTask<StreamDelivery> PublishAsync(StreamId stream, PublishedMessage message, CancellationToken cancellationToken);

    /// <returns>How many connections of the user started closing, as far as this node can tell.</returns>
    ValueTask<int> DisconnectUserAsync(string userId, string reason, CancellationToken cancellationToken);
}

/// <summary>A message at its place in a stream, and how many connections it was queued for, as far as this node can tell.</summary>
internal readonly record struct StreamDelivery(StreamMessage Message, int Delivered);
