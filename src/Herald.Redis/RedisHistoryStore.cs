using Herald.Streams;
using StackExchange.Redis;
using StreamPosition = Herald.Streams.StreamPosition;

namespace Herald.Redis;

/// <summary>
/// Reads a stream's head and kept messages from Redis in one atomic step, and compares them with a resume
/// position by the same rule as the in-memory history (<see cref="ResumeComparison"/>).
/// </summary>
internal sealed class RedisHistoryStore(RedisConnection redis, RedisKeys keys, HeraldOptions options, TimeProvider timeProvider)
{
    // KEYS: meta, history. ARGV: 1 to read the messages too. Returns {} for a stream without an epoch, else
    // { epoch, last seq, entries }, the entries oldest first as PublishScript appends them.
    private const string ReadScript = """
        local meta = redis.call('HMGET', KEYS[1], 'e', 's')
        if not meta[1] then
          return {}
        end
        if ARGV[1] ~= '1' then
          return { meta[1], tonumber(meta[2]) }
        end
        return { meta[1], tonumber(meta[2]), redis.call('LRANGE', KEYS[2], 0, -1) }
        """;

    // KEYS: the meta hashes of streams in one hash slot. Returns each one's epoch (nil without one) and last seq, in KEYS order.
    private const string HeadsScript = """
        local heads = {}
        for i, key in ipairs(KEYS) do
          local meta = redis.call('HMGET', key, 'e', 's')
          heads[2 * i - 1] = meta[1]
          heads[2 * i] = tonumber(meta[2]) or 0
        end
        return heads
        """;

    // A script call's keys at most: it runs alone on its Redis server, so a long one would hold every other command.
    private const int MaxHeadsPerCall = 256;

    /// <summary>
    /// Where each stream stands, for many at once: the first subscribers of a burst of logins cost a script call
    /// per hash slot (one on a single Redis server) rather than one each.
    /// </summary>
    /// <returns>The heads, in the order of <paramref name="streams"/>; <see cref="StreamPosition.Start"/> for a stream without an epoch.</returns>
    public async Task<StreamPosition[]> ReadHeadsAsync(IReadOnlyList<StreamId> streams)
    {
        var heads = new StreamPosition[streams.Count];
        var metaKeys = new RedisKey[streams.Count];
        var slots = new Dictionary<int, List<int>>();
        for (var i = 0; i < streams.Count; i++)
        {
            metaKeys[i] = keys.Meta(streams[i]);

            // One slot, -1, on a single Redis server or behind Sentinel.
            var slot = redis.Multiplexer.HashSlot(metaKeys[i]);
            if (!slots.TryGetValue(slot, out var indexes))
            {
                slots[slot] = indexes = [];
            }

            indexes.Add(i);
        }

        var calls = new List<Task>();
        foreach (var indexes in slots.Values)
        {
            for (var from = 0; from < indexes.Count; from += MaxHeadsPerCall)
            {
                calls.Add(ReadHeadsAsync(metaKeys, indexes.GetRange(from, Math.Min(MaxHeadsPerCall, indexes.Count - from)), heads));
            }
        }

        await Task.WhenAll(calls);
        return heads;
    }

    public async ValueTask<HistoryRead> ReadAsync(StreamId stream, StreamPosition? after)
    {
        var reply = await redis.Database.ScriptEvaluateAsync(
            ReadScript,
            [keys.Meta(stream), keys.History(stream)],
            [after is null ? "0" : "1"]);
        var parts = (RedisResult[])reply!;
        if (parts.Length == 0)
        {
            return new HistoryRead(StreamPosition.Start, ResumeComparison.WithoutEpoch(after), []);
        }

        var head = new StreamPosition((string)parts[0]!, (long)parts[1]);
        if (after is not { } from)
        {
            return new HistoryRead(head, null, []);
        }

        var kept = ReadKept(stream, head, (RedisResult[])parts[2]!);
        var firstKept = kept.Count > 0 ? kept[0].Seq : head.Seq + 1;
        var outcome = ResumeComparison.Compare(from, head.Epoch!, head.Seq, firstKept, out var replayAfter);
        return new HistoryRead(head, outcome, replayAfter == 0 ? kept : kept.FindAll(message => message.Seq > replayAfter));
    }

    private async Task ReadHeadsAsync(RedisKey[] metaKeys, List<int> indexes, StreamPosition[] heads)
    {
        var callKeys = indexes.Count == metaKeys.Length ? metaKeys : indexes.ConvertAll(index => metaKeys[index]).ToArray();
        var reply = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(HeadsScript, callKeys))!;
        for (var i = 0; i < indexes.Count; i++)
        {
            heads[indexes[i]] = reply[2 * i].IsNull ? StreamPosition.Start : new StreamPosition((string)reply[2 * i]!, (long)reply[2 * i + 1]);
        }
    }

    /// <summary>The entries younger than HistoryMaxAge, rebuilt as messages, oldest first.</summary>
    private List<StreamMessage> ReadKept(StreamId stream, StreamPosition head, RedisResult[] entries)
    {
        var oldest = (timeProvider.GetUtcNow() - options.HistoryMaxAge).UtcTicks;
        var kept = new List<StreamMessage>(entries.Length);
        foreach (var entry in entries)
        {
            if (HistoryEntry.TryRead((byte[])entry!, out var seq, out var ticks, out var record) && ticks > oldest)
            {
                kept.Add(new StreamMessage(stream, head.Epoch!, seq, RetainedRecord.Read(record, new DateTimeOffset(ticks, TimeSpan.Zero))));
            }
        }

        return kept;
    }
}
