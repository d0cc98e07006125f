using Herald.Diagnostics;
using Herald.Streams;

namespace Herald.Redis;

/// <summary>
/// The cluster-wide answers of <see cref="IHeraldHub.GetUserAsync"/> and <see cref="IHeraldHub.GetStatsAsync"/>:
/// this node's own state, with the other live nodes' from their presence fields and heartbeat hashes. A node
/// whose heartbeat is older than NodeTimeout counts for nothing, whether or not a janitor has cleaned up after it.
/// </summary>
internal sealed class RedisClusterView(RedisConnection redis, RedisKeys keys, ClusterNodes nodes, ClusterPresence presence, HeraldRedisOptions options) : IClusterView
{
    public async ValueTask<UserPresence> GetUserAsync(UserPresence here, CancellationToken cancellationToken)
    {
        try
        {
            return await GetUserCoreAsync(here, cancellationToken);
        }
        catch (Exception exception) when (RedisUnavailable.Is(exception))
        {
            throw RedisUnavailable.From(exception, options);
        }
    }

    public async ValueTask<HubStats> GetStatsAsync(HubStats here, CancellationToken cancellationToken)
    {
        try
        {
            return await GetStatsCoreAsync(here, cancellationToken);
        }
        catch (Exception exception) when (RedisUnavailable.Is(exception))
        {
            throw RedisUnavailable.From(exception, options);
        }
    }

    private async ValueTask<UserPresence> GetUserCoreAsync(UserPresence here, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var counts = await presence.LiveCountsAsync(StreamId.ForUser(here.Uid));

        // This node's count from the same snapshot as its details, so that the two agree.
        counts.Remove(redis.NodeId);
        if (here.Connections > 0)
        {
            counts[redis.NodeId] = here.Connections;
        }

        var total = counts.Values.Sum();
        return here with { Online = total > 0, Connections = total, Nodes = counts };
    }

    private async ValueTask<HubStats> GetStatsCoreAsync(HubStats here, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var live = await nodes.LiveAsync();
        var batch = redis.Database.CreateBatch();
        var reads = live.Heartbeats
            .Where(node => node.Key != redis.NodeId)
            .Select(node => (Id: node.Key, Heartbeat: node.Value, Counts: batch.HashGetAllAsync(keys.Node(node.Key))))
            .ToList();
        batch.Execute();

        var list = new List<ClusterNode> { new(redis.NodeId, here.Connections, here.Users, 0, here.Version) };
        var others = new List<HubStats>(reads.Count);
        foreach (var (id, heartbeat, read) in reads.OrderBy(static read => read.Id, StringComparer.Ordinal))
        {
            if (NodeCounts.Read(await read) is { } counts)
            {
                others.Add(counts.Stats);
                list.Add(new ClusterNode(id, counts.Stats.Connections, counts.Stats.Users, Math.Max(0, live.Now - heartbeat) / 1000.0, counts.Stats.Version));
            }
        }

        return NodeCounts.Sum(here, others) with { Node = redis.NodeId, Nodes = list };
    }
}
