using Herald.Streams;
using StackExchange.Redis;

namespace Herald.Redis;

/// <summary>
/// Who is connected across the cluster: each node's connection count on each stream it has subscribers on, kept
/// in the stream's presence hash under the node's ID.
/// </summary>
internal sealed class ClusterPresence(RedisConnection redis, RedisKeys keys)
{
    /// <summary>This node's subscriptions on the stream changed (<see cref="WatchedStream.Interest"/>, 0 once it is retired).</summary>
    public void CountChanged(WatchedStream watched)
    {
        var count = watched.Interest;
        _ = count == 0
            ? redis.Database.HashDeleteAsync(keys.Presence(watched.Stream), redis.NodeId, CommandFlags.FireAndForget)
            : redis.Database.HashSetAsync(keys.Presence(watched.Stream), redis.NodeId, count, flags: CommandFlags.FireAndForget);
    }

    /// <summary>The stream's connections on the other nodes.</summary>
    public async Task<int> CountElsewhereAsync(StreamId stream)
    {
        var counts = await redis.Database.HashGetAllAsync(keys.Presence(stream));
        var total = 0;
        foreach (var entry in counts)
        {
            if (entry.Name != redis.NodeId)
            {
                total += (int)entry.Value;
            }
        }

        return total;
    }
}
