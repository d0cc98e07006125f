using Herald.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Redis.Tests.Contracts;

/// <summary>
/// The hub a contract test runs against: two nodes behind a load balancer. On one node in memory both are the same
/// node; on Redis they are two nodes sharing one Redis, so every contract is kept across nodes.
/// </summary>
public sealed class HubUnderTest(IReadOnlyList<HeraldNode> nodes) : IAsyncDisposable
{
    public HeraldTestServer A => nodes[0].Server;

    public HeraldTestServer B => nodes[^1].Server;

    public static async Task<HubUnderTest> InMemoryAsync(Action<HeraldOptions>? configure) =>
        new([await HeraldNode.StartAsync(configure: configure, name: "in-memory node")]);

    /// <param name="configuration">The Redis: a server's or a Redis Cluster's connection string.</param>
    /// <param name="fanout">The nodes' <c>Herald:Redis:Fanout</c>.</param>
    /// <param name="configure">Herald's options on both nodes.</param>
    public static async Task<HubUnderTest> OnRedisAsync(string configuration, HeraldRedisFanout fanout, Action<HeraldOptions>? configure)
    {
        var cluster = await HeraldCluster.StartAsync(
            2,
            HeraldRedisSettings.For(configuration, RedisTestPrefix.New(), new Dictionary<string, string?> { ["Herald:Redis:Fanout"] = fanout.ToString() }),
            static builder => builder.Services.AddHerald().AddRedis(),
            configure);
        return new HubUnderTest(cluster.Nodes);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in nodes.Distinct())
        {
            await node.DisposeAsync();
        }
    }
}
