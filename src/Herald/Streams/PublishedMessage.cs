namespace Herald.Streams;

/// <summary>One publish: the same ID, time, content and conflation key in every stream it goes to.</summary>
internal sealed class PublishedMessage(Guid id, DateTimeOffset time, MessageContent content, string? key)
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

    /// <summary>A new message with a fresh ID, greater than every ID <paramref name="ids"/> made before it.</summary>
    public static PublishedMessage Create(MessageIdGenerator ids, TimeProvider timeProvider, MessageContent content, string? key)
    {
        var time = timeProvider.GetUtcNow();
        return new PublishedMessage(ids.Next(time), time, content, key);
    }
}
