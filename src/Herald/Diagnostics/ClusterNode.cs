namespace Herald;

/// <summary>One live node of a cluster, as <c>GET /api/v1/stats</c> lists it on Redis (docs/scaling.md, "Presence and stats").</summary>
/// <param name="Id">The node's ID, new with every start (its log lines and presence entries carry it).</param>
/// <param name="Connections">Its open WebSocket connections, logged in or not, as of its last heartbeat (this node's: now).</param>
/// <param name="Users">Distinct users with a logged-in connection on it, as of its last heartbeat (this node's: now).</param>
/// <param name="HeartbeatAgeSeconds">Seconds since its last heartbeat, as Redis's clock tells; 0 for the node answering.</param>
/// <param name="Version">Herald's version on it.</param>
public sealed record ClusterNode(string Id, int Connections, int Users, double HeartbeatAgeSeconds, string Version);
