using System.Globalization;
using Herald.Routing;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Herald.Redis;

/// <summary>
/// Every NodeHeartbeatInterval: writes this node's heartbeat and counts (<see cref="HeartbeatScript"/>), cleans up
/// after the nodes whose heartbeat is older than NodeTimeout (<see cref="NodeJanitor"/>), reads the other live
/// nodes' logged-in connections for a broadcast's <c>delivered</c>, and rewrites this node's presence when Redis
/// lost it. At a graceful stop it removes this node's entries at once.
/// </summary>
internal sealed partial class NodeHeartbeat(
    RedisConnection redis,
    RedisKeys keys,
    ClusterNodes nodes,
    ClusterPresence presence,
    NodeJanitor janitor,
    IHeraldHub hub,
    ConnectionRegistry registry,
    HeraldRedisOptions options,
    ILogger<NodeHeartbeat> logger) : IAsyncDisposable
{
    private readonly string _timeout = ((long)options.NodeTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private bool _failing;
    private bool _joined;

    public void Start() => _loop ??= Task.Run(LoopAsync);

    /// <summary>One heartbeat, with the janitor's round; false when Redis did not answer.</summary>
    public async Task<bool> BeatAsync()
    {
        try
        {
            var counts = new NodeCounts(hub.GetStats(), registry.LoggedInCount);
            var reply = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(
                HeartbeatScript.Text,
                [keys.Nodes, keys.Node(redis.NodeId)],
                [redis.NodeId, _timeout, .. counts.ToFieldValues()]))!;
            var previous = (long)reply[0];
            var gone = (RedisResult[])reply[1]!;
            var live = ClusterNodes.Read(reply, 2);

            // A node that beat before but whose last heartbeat is gone (a janitor removed it) or older than
            // NodeTimeout may have been cleaned up as gone: its presence must be written again.
            var late = _joined && previous < live.Now - (long)options.NodeTimeout.TotalMilliseconds;
            _joined = true;
            if (late || presence.RewritePending)
            {
                presence.RewriteAll(late ? "its heartbeat was late, it may have been cleaned up as gone" : "after a write failed");
            }

            foreach (var node in gone)
            {
                var id = (string)node!;
                var removed = await janitor.CleanAsync(id, live.Now - (long)options.NodeTimeout.TotalMilliseconds);
                Log.NodeGone(logger, id, options.NodeTimeout.TotalSeconds, removed);
            }

            await ReadBroadcastElsewhereAsync(live);
            _failing = false;
            return true;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            if (!_failing)
            {
                _failing = true;
                Log.HeartbeatFailed(logger, exception, redis.NodeId);
            }

            return false;
        }
    }

    /// <summary>Stops the heartbeats and removes this node's entries, so that its connections leave the cluster's presence now.</summary>
    public async ValueTask DisposeAsync()
    {
        // Never started (the host did not start): nothing of this node is in Redis.
        if (_stopping.IsCancellationRequested || _loop is null)
        {
            return;
        }

        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await presence.DisposeAsync();
        try
        {
            await janitor.CleanSelfAsync();
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Redis is away: the other nodes clean up after this one once NodeTimeout has passed.
            Log.HeartbeatFailed(logger, exception, redis.NodeId);
        }
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(options.NodeHeartbeatInterval);
        try
        {
            do
            {
                await BeatAsync();
            }
            while (await timer.WaitForNextTickAsync(_stopping.Token));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task ReadBroadcastElsewhereAsync(LiveNodes live)
    {
        var batch = redis.Database.CreateBatch();
        var reads = live.Heartbeats.Keys
            .Where(node => node != redis.NodeId)
            .Select(node => batch.HashGetAsync(keys.Node(node), NodeCounts.LoggedInName))
            .ToList();
        batch.Execute();
        var total = 0;
        foreach (var read in reads)
        {
            total += (await read).TryParse(out int count) ? count : 0;
        }

        nodes.BroadcastElsewhere = total;
    }

    private static partial class Log
    {
        [LoggerMessage(RedisEventIds.RedisNodeGone, LogLevel.Warning, "Node {Gone} sent no heartbeat for {TimeoutSeconds} s: counted as gone, its {Fields} presence entries removed", EventName = nameof(RedisEventIds.RedisNodeGone))]
        public static partial void NodeGone(ILogger logger, string gone, double timeoutSeconds, int fields);

        [LoggerMessage(RedisEventIds.RedisHeartbeatFailed, LogLevel.Warning, "Node {Node} could not write its heartbeat to Redis; the others count it as gone after NodeTimeout without one", EventName = nameof(RedisEventIds.RedisHeartbeatFailed))]
        public static partial void HeartbeatFailed(ILogger logger, Exception exception, string node);
    }
}
