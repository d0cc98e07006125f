using Herald.Streams;

namespace Herald.Delivery;

/// <summary>A publish that passed every rule: its streams (no repeats), content, conflation key and idempotency key.</summary>
internal sealed class Publication(IReadOnlyList<StreamId> streams, MessageContent content, string? key, string? idempotencyKey)
{
    public IReadOnlyList<StreamId> Streams { get; } = streams;

    public MessageContent Content { get; } = content;

    public string? Key { get; } = key;

    public string? IdempotencyKey { get; } = idempotencyKey;

    /// <summary>Whether <paramref name="other"/> publishes exactly the same message to the same streams: a true retry.</summary>
    public bool IsSameMessageAs(Publication other)
    {
        if (Key != other.Key || Content.IsJson != other.Content.IsJson || !Content.Utf8.Span.SequenceEqual(other.Content.Utf8.Span)
            || Streams.Count != other.Streams.Count)
        {
            return false;
        }

        for (var i = 0; i < Streams.Count; i++)
        {
            if (Streams[i].Name != other.Streams[i].Name)
            {
                return false;
            }
        }

        return true;
    }
}
