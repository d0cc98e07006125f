namespace Herald.Streams;

/// <summary>One publish: the same ID, time, content and conflation key in every stream it goes to.</summary>
/// <param name="id">The message's ID, the same in every stream.</param>
/// <param name="time">When it was published.</param>
/// <param name="content">Its text or JSON.</param>
/// <param name="key">Its conflation key, if any.</param>
/// <param name="acceptedAt">The clock's timestamp when the publish was accepted, for the delivery latency; 0 for a message rebuilt from the history.</param>
/// <param name="idempotencyKey">The publish's idempotency key, if any, for a backplane that must not publish a retry twice.</param>
internal sealed class PublishedMessage(Guid id, DateTimeOffset time, MessageContent content, string? key, long acceptedAt = 0, string? idempotencyKey = null)
{
    private string? _idText;

    /// <summary>The ID as 32 hex digits, formatted only when an envelope or an answer needs it (a seed-only /send never does).</summary>
    public string Id => _idText ??= Uuid.ToString("N");

    /// <summary>The ID itself, as the history keeps it.</summary>
    public Guid Uuid { get; } = id;

    public DateTimeOffset Time { get; } = time;

    public MessageContent Content { get; } = content;

    /// <summary>The conflation key, if any: a newer message with the same key on the same stream replaces an undelivered older one.</summary>
    public string? Key { get; } = key;

    /// <summary>When the publish was accepted, as a timestamp of the clock; 0 for a replayed message.</summary>
    public long AcceptedAt { get; } = acceptedAt;

    /// <summary>
    /// The publish's idempotency key: a backplane whose publish may run although its caller saw it fail (a lost
    /// reply) keeps it with the stream, so that the retry finds the message there instead of publishing it again.
    /// </summary>
    public string? IdempotencyKey { get; } = idempotencyKey;

    /// <summary>A new message with a fresh ID, greater than every ID <paramref name="ids"/> made before it.</summary>
    public static PublishedMessage Create(MessageIdGenerator ids, TimeProvider timeProvider, MessageContent content, string? key, string? idempotencyKey = null)
    {
        var time = timeProvider.GetUtcNow();
        return new PublishedMessage(ids.Next(time), time, content, key, timeProvider.GetTimestamp(), idempotencyKey);
    }

    /// <summary>This message as an earlier publish of it already gave it to a stream: with that publish's ID.</summary>
    public PublishedMessage WithId(Guid earlier) =>
        earlier == Uuid ? this : new PublishedMessage(earlier, Time, Content, Key, AcceptedAt, IdempotencyKey);
}
