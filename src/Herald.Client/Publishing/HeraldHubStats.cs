namespace Herald.Client;

/// <summary>The hub's state, as <c>GET /api/v1/stats</c> reports it (docs/http-api.md describes each field).</summary>
/// <param name="Connections">Open WebSocket connections, logged in or not.</param>
/// <param name="PendingLogins">Open connections that have not logged in yet.</param>
/// <param name="Users">Distinct users with at least one logged-in connection.</param>
/// <param name="ConnectionsOpened">Connections accepted since start.</param>
/// <param name="MessagesPublished">Messages accepted for publishing since start.</param>
/// <param name="MessagesQueued">Copies of those messages queued for a connection.</param>
/// <param name="MessagesDelivered">Copies written to a connection.</param>
/// <param name="MessagesDropped">Copies queued but never written because their connection closed first.</param>
/// <param name="SlowConsumerDisconnects">Connections cut off for falling too far behind.</param>
/// <param name="StartedAt">When the hub started (UTC).</param>
/// <param name="UptimeSeconds">Seconds since the hub started.</param>
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
    double UptimeSeconds);
