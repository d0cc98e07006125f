using System.Globalization;
using StackExchange.Redis;

namespace Herald.Redis;

/// <summary>
/// The nodes alive now, by their heartbeats in <see cref="RedisKeys.Nodes"/>: a node whose last heartbeat is older
/// than NodeTimeout, by Redis's clock, is gone, and its presence fields count for nothing from that moment, before
/// any janitor removed them. Also keeps what the last heartbeat learned of the other nodes' broadcast counts.
/// </summary>
internal sealed class ClusterNodes(RedisConnection redis, RedisKeys keys, HeraldRedisOptions options)
{
    // KEYS: nodes. ARGV: NodeTimeout in ms. Returns { now in ms, id, last heartbeat, id, last heartbeat, ... }.
    private const string LiveScript = """
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        local reply = { now }
        local live = redis.call('ZRANGEBYSCORE', KEYS[1], now - tonumber(ARGV[1]), '+inf', 'WITHSCORES')
        for i = 1, #live do
          reply[i + 1] = live[i]
        end
        return reply
        """;

    private readonly string _timeout = ((long)options.NodeTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
    private int _broadcastElsewhere;

    /// <summary>The other live nodes' logged-in connections as of their last heartbeats, as this node's last heartbeat read them.</summary>
    public int BroadcastElsewhere
    {
        get => Volatile.Read(ref _broadcastElsewhere);
        set => Volatile.Write(ref _broadcastElsewhere, value);
    }

    /// <summary>Each live node's ID with its last heartbeat, this node's among them once it sent one.</summary>
    public async Task<LiveNodes> LiveAsync()
    {
        var reply = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(LiveScript, [keys.Nodes], [_timeout]))!;
        return Read(reply, 0);
    }

    /// <summary>Reads <c>now, id, heartbeat, id, heartbeat, ...</c> from <paramref name="start"/> of a script's reply.</summary>
    public static LiveNodes Read(RedisResult[] reply, int start)
    {
        var now = (long)reply[start];
        var heartbeats = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = start + 1; i + 1 < reply.Length; i += 2)
        {
            heartbeats[(string)reply[i]!] = (long)(double)reply[i + 1];
        }

        return new LiveNodes(now, heartbeats);
    }
}

/// <summary>The live nodes with their last heartbeats, and Redis's time when they were read, both in ms since the Unix epoch.</summary>
internal sealed record LiveNodes(long Now, IReadOnlyDictionary<string, long> Heartbeats)
{
    public bool ContainsKey(string node) => Heartbeats.ContainsKey(node);
}
