using StackExchange.Redis;

namespace Herald.Redis;

/// <summary>
/// What a node's heartbeat hash (<see cref="RedisKeys.Node"/>) holds: the counts of its <see cref="HubStats"/> that
/// add up across nodes, its logged-in connections (the broadcast stream's count), when it started and its version.
/// </summary>
internal sealed record NodeCounts(HubStats Stats, int LoggedIn)
{
    private const string LoggedInField = "broadcast";

    /// <summary>The hash's fields and values, for HSET.</summary>
    public RedisValue[] ToFieldValues()
    {
        var s = Stats;
        return
        [
            "connections", s.Connections, "pendingLogins", s.PendingLogins, "users", s.Users, "topics", s.Topics,
            "connectionsOpened", s.ConnectionsOpened, "messagesPublished", s.MessagesPublished, "messagesQueued", s.MessagesQueued,
            "messagesDelivered", s.MessagesDelivered, "messagesDropped", s.MessagesDropped,
            "slowConsumerDisconnects", s.SlowConsumerDisconnects, "messagesConflated", s.MessagesConflated,
            "messagesReplayed", s.MessagesReplayed, "limitRefusals", s.LimitRefusals, LoggedInField, LoggedIn,
            "startedAt", s.StartedAt.UtcTicks, "version", s.Version,
        ];
    }

    /// <summary>The broadcast count's field, read alone by the heartbeat.</summary>
    public static RedisValue LoggedInName => LoggedInField;

    /// <summary>The counts a heartbeat hash holds; null when the hash is gone (expired with its node).</summary>
    public static NodeCounts? Read(HashEntry[] entries)
    {
        if (entries.Length == 0)
        {
            return null;
        }

        var fields = entries.ToDictionary(static entry => (string)entry.Name!, static entry => entry.Value, StringComparer.Ordinal);
        long Long(string name) => fields.TryGetValue(name, out var value) && value.TryParse(out long parsed) ? parsed : 0;
        int Int(string name) => (int)Long(name);
        var startedAt = new DateTimeOffset(Math.Clamp(Long("startedAt"), DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);
        var stats = new HubStats(
            Connections: Int("connections"),
            PendingLogins: Int("pendingLogins"),
            Users: Int("users"),
            ConnectionsOpened: Long("connectionsOpened"),
            MessagesPublished: Long("messagesPublished"),
            MessagesQueued: Long("messagesQueued"),
            MessagesDelivered: Long("messagesDelivered"),
            MessagesDropped: Long("messagesDropped"),
            SlowConsumerDisconnects: Long("slowConsumerDisconnects"),
            StartedAt: startedAt,
            UptimeSeconds: 0,
            Topics: Int("topics"),
            MessagesConflated: Long("messagesConflated"),
            HistoryStreams: 0,
            HistoryMessages: 0,
            HistoryBytes: 0,
            IdempotencyKeys: 0,
            IdempotencyBytes: 0,
            MessagesReplayed: Long("messagesReplayed"),
            LimitRefusals: Long("limitRefusals"))
        {
            Version = fields.TryGetValue("version", out var version) ? (string?)version ?? string.Empty : string.Empty,
        };
        return new NodeCounts(stats, Int(LoggedInField));
    }

    /// <summary>The cluster's stats: <paramref name="here"/> with the others' counts added (uptime, history and idempotency stay this node's).</summary>
    public static HubStats Sum(HubStats here, IEnumerable<HubStats> others)
    {
        var sum = here;
        foreach (var o in others)
        {
            sum = sum with
            {
                Connections = sum.Connections + o.Connections,
                PendingLogins = sum.PendingLogins + o.PendingLogins,
                Users = sum.Users + o.Users,
                Topics = sum.Topics + o.Topics,
                ConnectionsOpened = sum.ConnectionsOpened + o.ConnectionsOpened,
                MessagesPublished = sum.MessagesPublished + o.MessagesPublished,
                MessagesQueued = sum.MessagesQueued + o.MessagesQueued,
                MessagesDelivered = sum.MessagesDelivered + o.MessagesDelivered,
                MessagesDropped = sum.MessagesDropped + o.MessagesDropped,
                SlowConsumerDisconnects = sum.SlowConsumerDisconnects + o.SlowConsumerDisconnects,
                MessagesConflated = sum.MessagesConflated + o.MessagesConflated,
                MessagesReplayed = sum.MessagesReplayed + o.MessagesReplayed,
                LimitRefusals = sum.LimitRefusals + o.LimitRefusals,
            };
        }

        return sum;
    }
}
