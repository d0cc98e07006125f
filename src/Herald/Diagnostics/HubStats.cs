using System.Text.Json.Serialization;

namespace Herald;

/// <summary>
/// The hub's state, as <c>GET /api/v1/stats</c> returns it; docs/http-api.md describes each field. On one node it
/// is the node's; on a cluster (<see cref="IHeraldHub.GetStatsAsync"/> on Redis) the counts are the sums over
/// the live nodes, and <see cref="Node"/> and <see cref="Nodes"/> say which.
/// </summary>
/// <param name="Connections">Open WebSocket connections, logged in or not.</param>
/// <param name="PendingLogins">Open connections that have not logged in yet.</param>
/// <param name="Users">Distinct users with at least one logged-in connection.</param>
/// <param name="ConnectionsOpened">Connections accepted since start.</param>
/// <param name="MessagesPublished">Messages accepted for publishing since start, counted once per stream they went to.</param>
/// <param name="MessagesQueued">Copies of messages queued for a connection: those of every "delivered" answer, and those replayed to a joining herald.v1 connection (<paramref name="MessagesReplayed"/>).</param>
/// <param name="MessagesDelivered">Copies written to a connection's socket.</param>
/// <param name="MessagesDropped">Copies queued but never written because their connection closed first.</param>
/// <param name="SlowConsumerDisconnects">Connections cut off for falling too far behind.</param>
/// <param name="StartedAt">When the hub started (UTC).</param>
/// <param name="UptimeSeconds">Seconds since the hub started.</param>
/// <param name="Topics">Topics with at least one subscribed connection.</param>
/// <param name="MessagesConflated">Queued copies replaced by a newer message with the same conflation key before they were written.</param>
/// <param name="HistoryStreams">Streams the history knows (with an epoch and a last seq).</param>
/// <param name="HistoryMessages">Messages the history keeps for resuming.</param>
/// <param name="HistoryBytes">Memory the history accounts for, in bytes (bounded by HistoryMaxBytes).</param>
/// <param name="IdempotencyKeys">Idempotency keys remembered now (bounded by MaxIdempotencyKeys).</param>
/// <param name="IdempotencyBytes">Memory the remembered idempotency keys account for, in bytes (bounded by MaxIdempotencyBytes).</param>
/// <param name="MessagesReplayed">Copies replayed from the history to a joining herald.v1 connection (a resume, or a subscribe with a position), counted in <paramref name="MessagesQueued"/> too.</param>
/// <param name="LimitRefusals">Logins, upgrades, connections and commands refused by one of the limits (docs/configuration.md), all limits together since start.</param>
public sealed record HubStats(
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
    int Topics,
    long MessagesConflated,
    int HistoryStreams,
    int HistoryMessages,
    long HistoryBytes,
    int IdempotencyKeys,
    long IdempotencyBytes,
    long MessagesReplayed,
    long LimitRefusals)
{
    /// <summary>
    /// Herald's version, the library assembly's informational version. A property rather than a parameter, so code
    /// that constructs or deconstructs the record keeps compiling.
    /// </summary>
    public string Version { get; init; } = string.Empty;

    /// <summary>On a cluster, the ID of the node that answered; null (and left out of the JSON) on a single node.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Node { get; init; }

    /// <summary>On a cluster, every live node, the answering one first; null (and left out of the JSON) on a single node.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ClusterNode>? Nodes { get; init; }
}
