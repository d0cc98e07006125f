using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Text;
using Herald.Bench.Net;

namespace Herald.Bench.Publishing;

/// <summary>
/// Publishes <see cref="MessagesPerCall"/> consecutive messages with one <c>POST /api/v1/publish/batch</c>: item
/// seq is <c>{"users":["bench-u"],"data":"u:seq:sent"}</c> with u = <c>seq % userIds.Length</c>, so each item goes to
/// its own user (as long as there are as many users as the batch has items), and every message carries the time its
/// batch went out. The body is written straight into a pooled buffer: no JSON serializer, no string per message.
/// </summary>
internal sealed class BatchPublisher : IPublisher
{
    private static readonly byte[] Start = """{"messages":["""u8.ToArray();
    private static readonly byte[] ItemStart = """{"users":["""u8.ToArray();
    private static readonly byte[] Data = "],\"data\":\""u8.ToArray();
    private static readonly byte[] ItemEnd = "\"}"u8.ToArray();
    private static readonly byte[] End = "]}"u8.ToArray();

    private readonly HeraldApiClient _api;
    private readonly byte[][] _quotedUserIds;
    private readonly int _maxBodyBytes;

    public BatchPublisher(HeraldApiClient api, string[] userIds, int batchSize)
    {
        _api = api;
        MessagesPerCall = batchSize;

        // Bench user IDs (bench-N) need no JSON escaping.
        _quotedUserIds = Array.ConvertAll(userIds, static id => Encoding.UTF8.GetBytes($"\"{id}\""));
        var longestId = _quotedUserIds.Max(static id => id.Length);

        // Per item: the fixed text, the user ID, and data of up to three 20-digit numbers with their separators.
        _maxBodyBytes = Start.Length + End.Length + (batchSize * (ItemStart.Length + longestId + Data.Length + 64 + ItemEnd.Length + 1));
    }

    public int MessagesPerCall { get; }

    public async ValueTask<PublishOutcome> PublishAsync(long firstSeq, CancellationToken cancellationToken)
    {
        var body = ArrayPool<byte>.Shared.Rent(_maxBodyBytes);
        try
        {
            var length = Write(body, firstSeq, Stopwatch.GetTimestamp());
            var (answer, _) = await _api.PublishBatchAsync(body.AsMemory(0, length), cancellationToken);
            return new PublishOutcome(answer.Accepted, answer.Queued, MessagesPerCall - answer.Accepted);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    private int Write(Span<byte> body, long firstSeq, long sentAt)
    {
        var at = Append(body, 0, Start);
        for (var seq = firstSeq; seq < firstSeq + MessagesPerCall; seq++)
        {
            var user = (int)(seq % _quotedUserIds.Length);
            if (seq != firstSeq)
            {
                body[at++] = (byte)',';
            }

            at = Append(body, at, ItemStart);
            at = Append(body, at, _quotedUserIds[user]);
            at = Append(body, at, Data);
            at = AppendNumber(body, at, user);
            body[at++] = (byte)':';
            at = AppendNumber(body, at, seq);
            body[at++] = (byte)':';
            at = AppendNumber(body, at, sentAt);
            at = Append(body, at, ItemEnd);
        }

        return Append(body, at, End);
    }

    private static int Append(Span<byte> body, int at, ReadOnlySpan<byte> text)
    {
        text.CopyTo(body[at..]);
        return at + text.Length;
    }

    private static int AppendNumber(Span<byte> body, int at, long value)
    {
        Utf8Formatter.TryFormat(value, body[at..], out var written);
        return at + written;
    }
}
