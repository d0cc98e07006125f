namespace Herald.Delivery;

/// <summary>
/// Carries a published message (or a disconnect) to every node that may hold its target's connections. One node needs only
/// <see cref="InMemoryBackplane"/>; the Redis backplane implements the same seam for several.
/// </summary>
internal interface IBackplane
{
    /// <returns>How many connections the frame was queued for, as far as this node can tell.</returns>
    ValueTask<int> PublishToUserAsync(string userId, OutboundFrame frame, CancellationToken cancellationToken);

    /// <returns>How many connections of the user started closing, as far as this node can tell.</returns>
    ValueTask<int> DisconnectUserAsync(string userId, string reason, CancellationToken cancellationToken);
}
