using Herald.Streams;

namespace Herald.Redis;

/// <summary>
/// Removes a gone node's entries: its field from the presence hash of every stream in its streams set, then the
/// set, its heartbeat hash and its place in <see cref="RedisKeys.Nodes"/>, last, so that a janitor stopped halfway
/// leaves the node for the next one. Several live nodes may clean the same node at once: every step is idempotent.
/// </summary>
internal sealed class NodeJanitor(RedisConnection redis, RedisKeys keys)
{
    // KEYS: nodes, the node's hash, its streams set. ARGV: the node ID, the heartbeat it must be older than (ms).
    // Leaves a node that sent a heartbeat meanwhile (it was only slow): that node rewrites its own presence.
    private const string ForgetScript = """
        local heartbeat = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if heartbeat and tonumber(heartbeat) >= tonumber(ARGV[2]) then
          return 0
        end
        redis.call('DEL', KEYS[2], KEYS[3])
        redis.call('ZREM', KEYS[1], ARGV[1])
        return 1
        """;

    private const int PageSize = 256;

    /// <summary>Cleans up after <paramref name="node"/> if its last heartbeat is still older than <paramref name="olderThan"/>.</summary>
    /// <returns>How many presence fields of the node were removed.</returns>
    public async Task<int> CleanAsync(string node, long olderThan)
    {
        var database = redis.Database;
        var streams = keys.NodeStreams(node);
        var removed = 0;
        var page = new List<Task<bool>>(PageSize);
        await foreach (var name in database.SetScanAsync(streams, pageSize: PageSize))
        {
            if (StreamId.FromName((string)name!) is { } stream)
            {
                page.Add(database.HashDeleteAsync(keys.Presence(stream), node));
            }

            if (page.Count == PageSize)
            {
                removed += await CountRemovedAsync(page);
            }
        }

        removed += await CountRemovedAsync(page);
        await database.ScriptEvaluateAsync(ForgetScript, [keys.Nodes, keys.Node(node), streams], [node, olderThan]);
        return removed;
    }

    /// <summary>This node's own entries, at a graceful stop: its connections leave the cluster's presence at once.</summary>
    public Task<int> CleanSelfAsync() => CleanAsync(redis.NodeId, long.MaxValue);

    private static async Task<int> CountRemovedAsync(List<Task<bool>> page)
    {
        var removed = (await Task.WhenAll(page)).Count(static deleted => deleted);
        page.Clear();
        return removed;
    }
}
