namespace Herald.Diagnostics;

/// <summary>One node is the whole hub: its own answers are the cluster's, unchanged.</summary>
internal sealed class SingleNodeView : IClusterView
{
    public ValueTask<UserPresence> GetUserAsync(UserPresence here, CancellationToken cancellationToken) => ValueTask.FromResult(here);

    public ValueTask<HubStats> GetStatsAsync(HubStats here, CancellationToken cancellationToken) => ValueTask.FromResult(here);
}
