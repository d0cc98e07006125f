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

    public static async Task<HubUnderTest> OnRedisAsync(RedisServer redis, Action<HeraldOptions>? configure)
    {
        var cluster = await HeraldCluster.StartAsync(
            2,
            HeraldRedisSettings.For(redis, RedisTestPrefix.New()),
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
