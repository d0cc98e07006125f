namespace Herald.Redis;

/// <summary>
/// Starts watching streams in batches: a lone start goes at once, and the starts that come while one is under way
/// go together in the next, so a burst of logins (each a user's first connection on this node) costs a few Redis
/// calls rather than several each, and few allocations that outlive a collection. Every stream of a batch shares
/// the batch's task as its <see cref="WatchedStream.Ready"/>.
/// </summary>
/// <param name="start">Starts a batch: reads the heads, subscribes, catches up. A failure fails the whole batch.</param>
internal sealed class WatchStarts(Func<List<WatchedStream>, Task> start)
{
    private readonly Lock _gate = new();
    private List<WatchedStream> _pending = [];
    private TaskCompletionSource? _next;
    private bool _running;

    /// <returns>Done when the batch the stream goes in is.</returns>
    public Task Enqueue(WatchedStream watched)
    {
        lock (_gate)
        {
            _pending.Add(watched);
            _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_running)
            {
                _running = true;
                _ = Task.Run(RunAsync);
            }

            return _next.Task;
        }
    }

    private async Task RunAsync()
    {
        while (true)
        {
            List<WatchedStream> batch;
            TaskCompletionSource done;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _running = false;
                    return;
                }

                (batch, _pending) = (_pending, []);
                (done, _next) = (_next!, null);
            }

            try
            {
                await start(batch);
                done.SetResult();
            }
            catch (Exception exception)
            {
                // Whatever failed the batch fails its streams' Ready, where their joins and retries see it.
                done.SetException(exception);
            }
        }
    }
}
