using Herald.Streams;

namespace Herald.Redis.Tests.Delivery;

/// <summary>
/// A history that stops a read of one stream before it reaches Redis, or after its answer came back, until the test
/// lets it go: the network round trip of a join's read, stretched so that publishes land inside it.
/// </summary>
internal sealed class PausingHistory(IHistory inner, string streamName, bool pauseAfterRead) : IHistory
{
    private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Done when a read of the stream is held.</summary>
    public Task Paused => _paused.Task;

    public void Release() => _released.TrySetResult();

    public async ValueTask<HistoryRead> ReadAsync(StreamId stream, StreamPosition? after, CancellationToken cancellationToken)
    {
        if (stream.Name != streamName || after is null)
        {
            return await inner.ReadAsync(stream, after, cancellationToken);
        }

        if (!pauseAfterRead)
        {
            await HoldAsync(cancellationToken);
        }

        var read = await inner.ReadAsync(stream, after, cancellationToken);
        if (pauseAfterRead)
        {
            await HoldAsync(cancellationToken);
        }

        return read;
    }

    private async Task HoldAsync(CancellationToken cancellationToken)
    {
        _paused.TrySetResult();
        await _released.Task.WaitAsync(cancellationToken);
    }
}
