namespace Herald.Client;

/// <summary>One live node of a cluster, as <c>GET /api/v1/stats</c> lists it (docs/scaling.md).</summary>
/// <param name="Id">The node's ID, new with every start.</param>
/// <param name="Connections">Its logged-in connections, as of its last heartbeat (the answering node's: now).</param>
/// <param name="Users">Its distinct users, as of the same moment.</param>
/// <param name="HeartbeatAgeSeconds">How old its last heartbeat is.</param>
/// <param name="Version">Its Herald version.</param>
public sealed record HeraldClusterNode(string Id, int Connections, int Users, double HeartbeatAgeSeconds, string Version);
