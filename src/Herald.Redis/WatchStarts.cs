namespace Herald.Redis;

/// <summary>
/// Starts watching streams in batches: a lone start goes at once, and the starts that come while a batch reads
/// its heads go together in the next, so a burst of logins (each a user's first connection on this node) costs a
/// few Redis calls rather than several each, and few allocations that outlive a collection. A batch's head read
/// is all the next one waits for: the rest of it (the subscriptions, the catch-up) runs on beside later batches,
/// so a login's position is read at most one head read after it. Every stream of a batch shares the batch's task
/// as its <see cref="WatchedStream.Ready"/>.
/// </summary>
/// <param name="baseline">Reads the batch's heads; answers the streams to read from the history afterwards.</param>
/// <param name="followUp">Subscribes and catches up. A failure of either stage fails the whole batch.</param>
internal sealed class WatchStarts(
    Func<List<WatchedStream>, Task<HashSet<WatchedStream>>> baseline,
    Func<List<WatchedStream>, HashSet<WatchedStream>, Task> followUp)
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

            HashSet<WatchedStream> repairs;
            try
            {
                repairs = await baseline(batch);
            }
            catch (Exception exception)
            {
                // Whatever failed the batch fails its streams' Ready, where their joins and retries see it.
                done.SetException(exception);
                continue;
            }

            _ = FollowUpAsync(batch, repairs, done);
        }
    }

    private async Task FollowUpAsync(List<WatchedStream> batch, HashSet<WatchedStream> repairs, TaskCompletionSource done)
    {
        try
        {
            await followUp(batch, repairs);
            done.SetResult();
        }
        catch (Exception exception)
        {
            done.SetException(exception);
        }
    }
}
