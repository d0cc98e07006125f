namespace Herald.Diagnostics;

/// <summary>
/// The hub as a whole, for the cluster-wide lookups of <see cref="IHeraldHub"/>: given this node's answer, the
/// whole cluster's. A single node is the whole hub (<see cref="SingleNodeView"/>); Herald.Redis adds the other
/// nodes from their presence and heartbeats.
/// </summary>
internal interface IClusterView
{
    /// <summary>The user across the cluster, from <paramref name="here"/>, the user on this node.</summary>
    ValueTask<UserPresence> GetUserAsync(UserPresence here, CancellationToken cancellationToken);

    /// <summary>The cluster's counts, from <paramref name="here"/>, this node's.</summary>
    ValueTask<HubStats> GetStatsAsync(HubStats here, CancellationToken cancellationToken);
}
