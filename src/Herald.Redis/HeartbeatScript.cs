namespace Herald.Redis;

/// <summary>
/// A node's heartbeat, as one step in Redis, by Redis's clock (the nodes' clocks need not agree): the node's place
/// in the nodes set moved to now, its counts rewritten with expiry NodeTimeout, and the nodes that are gone and
/// those that are live read for the janitor and the broadcast count.
/// </summary>
internal static class HeartbeatScript
{
    // KEYS: nodes, the node's hash. ARGV: the node ID, NodeTimeout in ms, then the hash's fields and values.
    // Returns { the node's previous heartbeat (0 for none), { gone IDs }, now, id, heartbeat, id, heartbeat, ... }.
    public const string Text = """
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        local cutoff = now - tonumber(ARGV[2])
        local previous = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]) or '0')
        redis.call('ZADD', KEYS[1], now, ARGV[1])
        redis.call('DEL', KEYS[2])
        redis.call('HSET', KEYS[2], unpack(ARGV, 3))
        redis.call('PEXPIRE', KEYS[2], ARGV[2])
        local reply = { previous, redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. cutoff), now }
        local live = redis.call('ZRANGEBYSCORE', KEYS[1], cutoff, '+inf', 'WITHSCORES')
        for i = 1, #live do
          reply[i + 3] = live[i]
        end
        return reply
        """;
}
