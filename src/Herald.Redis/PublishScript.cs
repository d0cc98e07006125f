namespace Herald.Redis;

/// <summary>
/// A publish to one stream, as one atomic step in Redis: the stream's epoch (made when it has none, which also
/// empties a history left without its epoch), the next seq, the message appended to the history and the history
/// trimmed to the newest messages, both keys' expiry set to the age window, the message published to the nodes,
/// and the stream's connection count across the nodes; with an idempotency key, the key kept with the stream so that
/// a retry finds its message there rather than publishing it twice. Redis runs a script alone, so every node sees one stream's
/// messages in seq order, and a resume on any node reads exactly what was published.
/// </summary>
internal static class PublishScript
{
    // KEYS: meta, history, presence, idempotency. ARGV: a fresh epoch, the payload header (StreamPayload.Header), the
    // record, the time (.NET ticks, for the history entry), the history's message limit, the age window in ms, the
    // channel, how to publish (0: PUBLISH on the channel; 1: SPUBLISH on it, a sharded channel; 2: PUBLISH on the
    // channel's name followed by each node ID the presence hash counts connections for), the idempotency key ('' for
    // none), the message ID, the idempotency window in ms. Returns { epoch, seq, connections }, and a fourth element, the earlier message's ID, when the stream has
    // this key's message already in its epoch: a retry whose earlier try ran although its reply was lost.
    // The history is a list of HistoryEntry elements, not a Redis stream: a stream's first node takes about 4.7 KB
    // however little it holds (measured with MEMORY USAGE on Redis 7.0), a list of one message about its size.
    public const string Text = """
        local presence = redis.call('HGETALL', KEYS[3])
        local connections = 0
        for i = 2, #presence, 2 do
          connections = connections + tonumber(presence[i])
        end
        local epoch = redis.call('HGET', KEYS[1], 'e')
        if ARGV[9] ~= '' and epoch then
          local earlier = redis.call('HGET', KEYS[4], ARGV[9])
          if earlier then
            local e, s, id = string.match(earlier, '^([^\n]*)\n([^\n]*)\n(.*)$')
            if e == epoch then
              return { epoch, tonumber(s), connections, id }
            end
          end
        end
        if not epoch then
          epoch = ARGV[1]
          redis.call('DEL', KEYS[2], KEYS[4])
          redis.call('HSET', KEYS[1], 'e', epoch)
        end
        local seq = redis.call('HINCRBY', KEYS[1], 's', 1)
        redis.call('RPUSH', KEYS[2], seq .. '\n' .. ARGV[4] .. '\n' .. ARGV[3])
        redis.call('LTRIM', KEYS[2], -tonumber(ARGV[5]), -1)
        redis.call('PEXPIRE', KEYS[1], ARGV[6])
        redis.call('PEXPIRE', KEYS[2], ARGV[6])
        if ARGV[9] ~= '' then
          redis.call('HSET', KEYS[4], ARGV[9], epoch .. '\n' .. seq .. '\n' .. ARGV[10])
          redis.call('PEXPIRE', KEYS[4], ARGV[11])
        end
        local payload = ARGV[2] .. epoch .. '\n' .. seq .. '\n' .. ARGV[3]
        if ARGV[8] == '2' then
          for i = 1, #presence, 2 do
            if tonumber(presence[i + 1]) > 0 then
              redis.call('PUBLISH', ARGV[7] .. presence[i], payload)
            end
          end
        elseif ARGV[8] == '1' then
          redis.call('SPUBLISH', ARGV[7], payload)
        else
          redis.call('PUBLISH', ARGV[7], payload)
        end
        return { epoch, seq, connections }
        """;
}
