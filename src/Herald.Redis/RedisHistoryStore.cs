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
