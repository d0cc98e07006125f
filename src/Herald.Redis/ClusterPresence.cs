using System.Collections.Concurrent;
using Herald.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Herald.Redis;

/// <summary>
/// Who is connected across the cluster: each node's connection count on each user and topic stream it has
/// subscribers on, kept in the stream's presence hash under the node's ID, and the stream's name in the node's
/// streams set (<see cref="RedisKeys.NodeStreams"/>) for whoever cleans up after the node. Changes are marked dirty
/// and written by one loop: a lone change is written at once, and the changes that follow within a few ms (or while
/// a write is under way) go together in the next, each stream once, so churn costs no command per login. The broadcast stream's count goes in the node's
/// heartbeat instead (<see cref="NodeHeartbeat"/>): every logged-in connection is on it, and one field every node
/// rewrites on every login would be the cluster's hottest key. With <see cref="HeraldRedisFanout.Routed"/> the fields
/// also route the stream's messages: a stream's first subscriber waits for its field (<see cref="FlushAsync"/>), and
/// after a rewrite the node catches up on what was published while its fields were missing.
/// </summary>
internal sealed partial class ClusterPresence(
    RedisConnection redis,
    RedisKeys keys,
    ClusterNodes nodes,
    HeraldRedisOptions options,
    IServiceProvider services,
    ILogger<ClusterPresence> logger) : IAsyncDisposable
{
    private static readonly TimeSpan WriteSpacing = TimeSpan.FromMilliseconds(5);

    // Stream name -> the stream, and whether its entries must be written whatever this node believes Redis holds.
    private readonly ConcurrentDictionary<string, (StreamId Stream, bool Force)> _dirty = new(StringComparer.Ordinal);

    // The streams of writes that failed, whose entries may be in Redis whatever this node now counts: a rewrite
    // writes or removes them too. A watched stream's own flag says whether its name was written (WatchedStream).
    // Only the write loop touches it.
    private readonly HashSet<string> _inDoubt = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Lock _flushGate = new();
    private readonly CancellationTokenSource _stopping = new();
    private List<TaskCompletionSource>? _flushes;
    private bool _flushesRefused;
    private Exception? _lastFailure;
    private int _wakePending;
    private int _rewritePending;
    private int _rewriteWritten;
    private bool _failing;
    private Task? _loop;

    // Resolved on first use: the channels call this class, so they cannot be a constructor argument.
    private StreamChannels? _channels;

    private StreamChannels Channels => _channels ??= services.GetRequiredService<StreamChannels>();

    /// <summary>Starts the write loop.</summary>
    public void Start() => _loop ??= Task.Run(WriteLoopAsync);

    /// <summary>This node's count on the stream changed (<see cref="StreamChannels"/> calls it on every join and leave).</summary>
    public void CountChanged(StreamId stream)
    {
        if (stream.Kind != StreamKind.Broadcast && !_stopping.IsCancellationRequested)
        {
            MarkDirty(stream, force: false);
        }
    }

    /// <summary>
    /// Writes every entry of this node again from its own counts: after Redis was away (what was written meanwhile
    /// was lost), or after the node was counted as gone and cleaned up.
    /// </summary>
    public void RewriteAll(string why)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        Volatile.Write(ref _rewritePending, 0);
        Log.PresenceRewritten(logger, redis.NodeId, why);

        // Also the streams this node may have left entries on and no longer watches: their removal may have been lost.
        Volatile.Write(ref _rewriteWritten, 1);
        foreach (var watched in Channels.Watched)
        {
            if (watched.Stream.Kind != StreamKind.Broadcast)
            {
                MarkDirty(watched.Stream, force: true);
            }
        }

        Wake();
    }

    /// <summary>
    /// Done once a write of <paramref name="streams"/>, and of every change made before the call, has succeeded,
    /// and no earlier write failed since the last rewrite: then this node's presence in Redis counts each of them as
    /// it stood at the call. Faults with the write's failure otherwise.
    /// </summary>
    public Task FlushAsync(IReadOnlyList<StreamId> streams)
    {
        foreach (var stream in streams)
        {
            CountChanged(stream);
        }

        var flush = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_flushGate)
        {
            if (_flushesRefused)
            {
                return Task.FromException(Stopping());
            }

            (_flushes ??= []).Add(flush);
        }

        Wake();
        return flush.Task;
    }

    /// <summary>Whether a write failed since the last rewrite; the heartbeat rewrites once Redis answers again.</summary>
    public bool RewritePending => Volatile.Read(ref _rewritePending) == 1;

    /// <summary>The stream's connections on each live node, this node's from its own count.</summary>
    public async Task<Dictionary<string, int>> LiveCountsAsync(StreamId stream)
    {
        var fields = redis.Database.HashGetAllAsync(keys.Presence(stream));
        var live = await nodes.LiveAsync();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in await fields)
        {
            var node = (string)entry.Name!;
            if (node != redis.NodeId && live.ContainsKey(node) && (int)entry.Value is > 0 and var count)
            {
                counts[node] = count;
            }
        }

        if (Channels.CountOf(stream) is > 0 and var here)
        {
            counts[redis.NodeId] = here;
        }

        return counts;
    }

    /// <summary>Stops writing; <see cref="NodeJanitor"/> then removes this node's entries at once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        lock (_flushGate)
        {
            _flushesRefused = true;
        }

        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        Complete(TakeFlushes(), Stopping());
    }

    private void MarkDirty(StreamId stream, bool force)
    {
        _dirty.AddOrUpdate(stream.Name, static (_, change) => change, static (_, old, change) => (change.Stream, old.Force || change.Force), (Stream: stream, Force: force));
        Wake();
    }

    private void Wake()
    {
        if (Interlocked.Exchange(ref _wakePending, 1) == 0)
        {
            _wake.Release();
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            while (true)
            {
                await _wake.WaitAsync(_stopping.Token);
                Volatile.Write(ref _wakePending, 0);

                // Taken before the dirty streams: every change made before a flush was asked for is in this write or an earlier one.
                var flushes = TakeFlushes();
                var (rewrote, failure) = await WriteDirtyAsync();
                Complete(flushes, failure ?? (RewritePending ? _lastFailure : null));
                if (rewrote && failure is null && options.Fanout == HeraldRedisFanout.Routed)
                {
                    // Published while this node's fields were missing, a stream's messages were sent to no node.
                    _ = Channels.CatchUpAsync();
                }

                // A change after a quiet spell is written at once; those that follow it gather for a moment, so a
                // burst of logins costs a write per stream every few ms rather than one per login.
                await Task.Delay(WriteSpacing, _stopping.Token);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping: the janitor removes every entry of this node, written or not.
        }
    }

    private static RedisConnectionException Stopping() =>
        new(ConnectionFailureType.ConnectionDisposed, CommandFlags.None, "the node is stopping: its presence is no longer written", null, CommandStatus.Unknown);

    private List<TaskCompletionSource>? TakeFlushes()
    {
        lock (_flushGate)
        {
            var taken = _flushes;
            _flushes = null;
            return taken;
        }
    }

    private static void Complete(List<TaskCompletionSource>? flushes, Exception? failure)
    {
        foreach (var flush in flushes ?? [])
        {
            if (failure is null)
            {
                flush.SetResult();
            }
            else
            {
                flush.SetException(failure);
            }
        }
    }

    /// <returns>Whether the write was a rewrite of all this node's entries, and its failure if it failed.</returns>
    private async Task<(bool Rewrote, Exception? Failure)> WriteDirtyAsync()
    {
        var changes = new List<(StreamId Stream, bool Force)>(_dirty.Count);
        foreach (var name in _dirty.Keys)
        {
            if (_dirty.TryRemove(name, out var change))
            {
                changes.Add(change);
            }
        }

        var rewrote = Interlocked.Exchange(ref _rewriteWritten, 0) == 1;
        if (rewrote)
        {
            var watched = changes.Select(static change => change.Stream.Name).ToHashSet(StringComparer.Ordinal);
            changes.AddRange(_inDoubt.Where(name => !watched.Contains(name)).Select(static name => (StreamId.FromName(name)!, true)));
        }

        if (changes.Count == 0)
        {
            return (rewrote, null);
        }

        var writes = new List<PresenceWrite>(changes.Count + 1);
        foreach (var (stream, force) in changes)
        {
            if (Channels.Find(stream) is { Interest: > 0 and var count } watched)
            {
                // The name before the field: a janitor that finds the field's node gone must find the field too.
                if (!watched.PresenceNamed || force)
                {
                    writes.Add(new PresenceWrite(stream, PresenceWriteKind.AddName, 0));
                    watched.PresenceNamed = true;
                }

                writes.Add(new PresenceWrite(stream, PresenceWriteKind.SetCount, count));
            }
            else
            {
                // Also for a stream joined and left between two writes, whose entry was never written: removing
                // nothing costs less than remembering every stream whose entry was.
                writes.Add(new PresenceWrite(stream, PresenceWriteKind.Remove, 0));
            }
        }

        if (writes.Count == 0)
        {
            return (rewrote, null);
        }

        try
        {
            await SendAsync(writes);
            if (_inDoubt.Count > 0)
            {
                _inDoubt.ExceptWith(changes.Select(static change => change.Stream.Name));
            }

            _failing = false;
            return (rewrote, null);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Which of the batch's writes landed is unknown: the next rewrite writes every entry again.
            _lastFailure = exception;
            _inDoubt.UnionWith(changes.Select(static change => change.Stream.Name));
            Volatile.Write(ref _rewritePending, 1);
            if (!_failing)
            {
                _failing = true;
                Log.PresenceWriteFailed(logger, exception, redis.NodeId, writes.Count);
            }

            return (rewrote, exception);
        }
    }

    /// <summary>
    /// Sends the writes in one batch, all but the last fire-and-forget (no task or reply object each, for a burst
    /// of thousands of logins) and the last awaited: Redis runs a connection's commands in order, so its answer
    /// means the others ran, and a connection lost on the way fails it too. A write lost with a connection is
    /// written again anyway, since a reconnect rewrites all of this node's presence.
    /// </summary>
    private Task SendAsync(List<PresenceWrite> writes)
    {
        var batch = redis.Database.CreateBatch();
        var streamsKey = keys.NodeStreams(redis.NodeId);
        Task last = Task.CompletedTask;
        for (var i = 0; i < writes.Count; i++)
        {
            var flags = i == writes.Count - 1 ? CommandFlags.None : CommandFlags.FireAndForget;
            var (stream, kind, count) = writes[i];
            switch (kind)
            {
                case PresenceWriteKind.AddName:
                    last = batch.SetAddAsync(streamsKey, stream.Name, flags);
                    break;
                case PresenceWriteKind.SetCount:
                    last = batch.HashSetAsync(keys.Presence(stream), redis.NodeId, count, flags: flags);
                    break;
                default:
                    // The field before the name, the reverse of the order they were written in.
                    _ = batch.HashDeleteAsync(keys.Presence(stream), redis.NodeId, CommandFlags.FireAndForget);
                    last = batch.SetRemoveAsync(streamsKey, stream.Name, flags);
                    break;
            }
        }

        batch.Execute();
        return last;
    }

    private enum PresenceWriteKind
    {
        AddName,
        SetCount,
        Remove,
    }

    private readonly record struct PresenceWrite(StreamId Stream, PresenceWriteKind Kind, int Count);

    private static partial class Log
    {
        [LoggerMessage(RedisEventIds.RedisPresenceWriteFailed, LogLevel.Warning, "Node {Node} could not write {Commands} presence changes to Redis; it rewrites all its presence once Redis answers again", EventName = nameof(RedisEventIds.RedisPresenceWriteFailed))]
        public static partial void PresenceWriteFailed(ILogger logger, Exception exception, string node, int commands);

        [LoggerMessage(RedisEventIds.RedisPresenceRewritten, LogLevel.Information, "Node {Node} rewrites all its presence in Redis from its own connections ({Why})", EventName = nameof(RedisEventIds.RedisPresenceRewritten))]
        public static partial void PresenceRewritten(ILogger logger, string node, string why);
    }
}
