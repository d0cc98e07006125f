namespace Herald.Streams;

/// <summary>One publish: the same ID, time, content and conflation key in every stream it goes to.</summary>
internal sealed class PublishedMessage(string id, DateTimeOffset time, MessageContent content, string? key)
{
    public string Id { get; } = id;

    public DateTimeOffset Time { get; } = time;

    public MessageContent Content { get; } = content;

    /// <summary>The conflation key, if any: a newer message with the same key on the same stream replaces an undelivered older one.</summary>
    public string? Key { get; } = key;

    /// <summary>A new message with a fresh, time-ordered ID.</summary>
    public static PublishedMessage Create(TimeProvider timeProvider, MessageContent content, string? key)
    {
        var time = timeProvider.GetUtcNow();
        return new PublishedMessage(Guid.CreateVersion7(time).ToString("N"), time, content, key);
    }
}
