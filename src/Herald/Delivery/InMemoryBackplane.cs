namespace Herald.Delivery;

/// <summary>The single-node backplane: this node is every node, so publishing is dispatching.</summary>
internal sealed class InMemoryBackplane(Dispatcher dispatcher) : IBackplane
{
    public ValueTask<int> PublishToUserAsync(string userId, OutboundFrame frame, CancellationToken cancellationToken) =>
        ValueTask.FromResult(dispatcher.DispatchToUser(userId, frame));

    public ValueTask<int> DisconnectUserAsync(string userId, string reason, CancellationToken cancellationToken) =>
        ValueTask.FromResult(dispatcher.DisconnectUser(userId, reason));
}
