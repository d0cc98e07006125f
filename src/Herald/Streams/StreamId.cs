namespace Herald.Streams;

/// <summary>What a stream belongs to: one user, one topic, or every connection.</summary>
internal enum StreamKind
{
    User,
    Topic,
    Broadcast,
}

/// <summary>
/// A stream's identity: its kind, its target (a user ID or topic name; empty for broadcast) and its wire name
/// (<c>user:123</c>, <c>topic:orders</c>, <c>broadcast</c>), built once.
/// </summary>
internal sealed record StreamId
{
    public const string BroadcastName = "broadcast";
    public const string UserPrefix = "user:";
    public const string TopicPrefix = "topic:";

    public static readonly StreamId Broadcast = new(StreamKind.Broadcast, string.Empty, BroadcastName);

    private StreamId(StreamKind kind, string target, string name)
    {
        Kind = kind;
        Target = target;
        Name = name;
    }

    public StreamKind Kind { get; }

    public string Target { get; }

    public string Name { get; }

    public static StreamId ForUser(string userId) => new(StreamKind.User, userId, UserPrefix + userId);

    public static StreamId ForTopic(string topic) => new(StreamKind.Topic, topic, TopicPrefix + topic);

    /// <summary>The stream whose wire name is <paramref name="name"/>, as a backplane carries it between nodes.</summary>
    /// <returns>Null when the name is none of the three kinds'.</returns>
    public static StreamId? FromName(string name) =>
        name == BroadcastName ? Broadcast
        : name.StartsWith(UserPrefix, StringComparison.Ordinal) ? new(StreamKind.User, name[UserPrefix.Length..], name)
        : name.StartsWith(TopicPrefix, StringComparison.Ordinal) ? new(StreamKind.Topic, name[TopicPrefix.Length..], name)
        : null;

    public override string ToString() => Name;
}
