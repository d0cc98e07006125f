using Herald.Streams;

namespace Herald.Delivery;

/// <summary>
/// The single-node backplane: this node is every node, so publishing is appending to the history and
/// dispatching, one message at a time per stream so that seq order and delivery order are the same.
/// </summary>
internal sealed class InMemoryBackplane(InMemoryHistory history, Dispatcher dispatcher) : IBackplane, IDisposable
{
    // Striped: a gate per stream would cost memory per user; one gate would serialize unrelated streams. Waited on
    // asynchronously: a broadcast to many connections holds its gate for milliseconds, and publishers queued behind
    // it must not block thread-pool threads that the connections' send loops need.
    private readonly SemaphoreSlim[] _streamGates = [.. Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1))];

    public async ValueTask<StreamDelivery> PublishAsync(StreamId stream, PublishedMessage message, CancellationToken cancellationToken)
    {
        var gate = _streamGates[(uint)StringComparer.Ordinal.GetHashCode(stream.Name) % (uint)_streamGates.Length];
        await gate.WaitAsync(cancellationToken);
        try
        {
            var appended = history.Append(stream, message);
            return new StreamDelivery(appended, dispatcher.Deliver(appended));
        }
        finally
        {
            gate.Release();
        }
    }

    public ValueTask<int> DisconnectUserAsync(string userId, string reason, CancellationToken cancellationToken) =>
        ValueTask.FromResult(dispatcher.DisconnectUser(userId, reason));

    public void Dispose()
    {
        foreach (var gate in _streamGates)
        {
            gate.Dispose();
        }
    }
}
