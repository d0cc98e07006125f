using Microsoft.AspNetCore.Builder;

namespace Herald.Redis.Tests.Infrastructure;

/// <summary>
/// N in-process Herald nodes with the same settings, as behind a load balancer with no sticky sessions: each is a
/// <see cref="HeraldNode"/> that a test may stop and restart. Disposing stops them all.
/// </summary>
public sealed class HeraldCluster : IAsyncDisposable
{
    private readonly HeraldNode[] _nodes;

    private HeraldCluster(HeraldNode[] nodes) => _nodes = nodes;

    public IReadOnlyList<HeraldNode> Nodes => _nodes;

    public HeraldNode this[int index] => _nodes[index];

    public IEnumerable<HeraldNode> Running => _nodes.Where(node => node.IsRunning);

    /// <summary>Starts <paramref name="count"/> nodes at once, named "node 0", "node 1"...; see <see cref="HeraldNode.StartAsync"/>.</summary>
    public static async Task<HeraldCluster> StartAsync(
        int count,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configureBuilder = null,
        Action<HeraldOptions>? configure = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var starts = Enumerable.Range(0, count)
            .Select(index => HeraldNode.StartAsync(settings, configureBuilder, configure, $"node {index}"))
            .ToArray();
        try
        {
            return new HeraldCluster(await Task.WhenAll(starts));
        }
        catch
        {
            // The nodes that did start must not outlive the one that failed.
            foreach (var start in starts.Where(start => start.IsCompletedSuccessfully))
            {
                await start.Result.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }
}
