using Herald.Streams;

namespace Herald.Delivery;

/// <summary>
/// The single-node backplane: this node is every node, so publishing is appending to the history and
/// dispatching, under the stream's lock so that seq order and delivery order are the same.
/// </summary>
internal sealed class InMemoryBackplane(InMemoryHistory history, Dispatcher dispatcher) : IBackplane
{
    // Striped: a lock per stream would cost memory per user; one lock would serialize unrelated streams.
    private readonly Lock[] _streamLocks = [.. Enumerable.Range(0, 256).Select(_ => new Lock())];

    public ValueTask<StreamDelivery> PublishAsync(StreamId stream, PublishedMessage message, CancellationToken cancellationToken)
    {
        var streamLock = _streamLocks[(uint)StringComparer.Ordinal.GetHashCode(stream.Name) % (uint)_streamLocks.Length];
        lock (streamLock)
        {
            var appended = history.Append(stream, message);
            return ValueTask.FromResult(new StreamDelivery(appended, dispatcher.Deliver(appended)));
        }
    }

    public ValueTask<int> DisconnectUserAsync(string userId, string reason, CancellationToken cancellationToken) =>
        ValueTask.FromResult(dispatcher.DisconnectUser(userId, reason));
}
