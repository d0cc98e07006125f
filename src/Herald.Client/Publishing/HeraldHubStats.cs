namespace Herald.Client;

/// <summary>The hub's state, as <c>GET /api/v1/stats</c> reports it (docs/http-api.md describes each field).</summary>
/// <param name="Connections">Open WebSocket connections, logged in or not.</param>
/// <param name="PendingLogins">Open connections that have not logged in yet.</param>
/// <param name="Users">Distinct users with at least one logged-in connection.</param>
/// <param name="ConnectionsOpened">Connections accepted since start.</param>
/// <param name="MessagesPublished">Messages accepted for publishing since start.</param>
/// <param name="MessagesQueued">Copies of messages queued for a connection, replayed ones included.</param>
/// <param name="MessagesDelivered">Copies written to a connection.</param>
/// <param name="MessagesDropped">Copies queued but never written because their connection closed first.</param>
/// <param name="SlowConsumerDisconnects">Connections cut off for falling too far behind.</param>
/// <param name="StartedAt">When the hub started (UTC).</param>
/// <param name="UptimeSeconds">Seconds since the hub started.</param>
/// <param name="Topics">Topics with at least one subscribed connection.</param>
/// <param name="MessagesConflated">Queued copies replaced by a newer message with the same conflation key before they were written.</param>
/// <param name="HistoryStreams">Streams the history knows (with an epoch and a last seq).</param>
/// <param name="HistoryMessages">Messages the history keeps for resuming.</param>
/// <param name="HistoryBytes">Memory the history accounts for, in bytes.</param>
/// <param name="IdempotencyKeys">Idempotency keys remembered now.</param>
/// <param name="IdempotencyBytes">Memory the remembered idempotency keys account for, in bytes.</param>
/// <param name="MessagesReplayed">Copies replayed from the history to a resuming herald.v1 client, counted in <paramref name="MessagesQueued"/> too.</param>
/// <param name="LimitRefusals">Logins, upgrades, connections and commands the server refused by one of its limits since start.</param>
/// <param name="Version">The server's version (its Herald assembly's informational version); empty from a server older than the field.</param>
public sealed record HeraldHubStats(
    int Connections,
    int PendingLogins,
    int Users,
    long ConnectionsOpened,
    long MessagesPublished,
    long MessagesQueued,
    long MessagesDelivered,
    long MessagesDropped,
    long SlowConsumerDisconnects,
    DateTimeOffset StartedAt,
    double UptimeSeconds,
    int Topics = 0,
    long MessagesConflated = 0,
    int HistoryStreams = 0,
    int HistoryMessages = 0,
    long HistoryBytes = 0,
    int IdempotencyKeys = 0,
    long IdempotencyBytes = 0,
    long MessagesReplayed = 0,
    long LimitRefusals = 0,
    string Version = "")
{
    /// <summary>On a cluster, the ID of the node that answered; null from a single node.</summary>
    public string? Node { get; init; }

    /// <summary>On a cluster, every live node, the answering one first; null from a single node.</summary>
    public IReadOnlyList<HeraldClusterNode>? Nodes { get; init; }
}
