using System.Net.WebSockets;
using Herald.Redis.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Redis.Tests.InfrastructureTests;

/// <summary>In-process nodes: started together with the test's settings and hook, stopped and restarted one at a time.</summary>
public sealed class HeraldClusterTests(SharedRedis redis)
{
    [Fact]
    public async Task StartAsync_ThreeNodes_EachServesItsOwnConnections()
    {
        await using var cluster = await HeraldCluster.StartAsync(3);

        Assert.Equal(3, cluster.Nodes.Select(node => node.Port).Distinct().Count());
        foreach (var node in cluster.Nodes)
        {
            await using var client = await node.Server.ConnectAsUserAsync("alice");
            Assert.Equal(1, await node.Server.SendAsync("alice", $"hello from {node.Name}"));
            Assert.Equal($"hello from {node.Name}", await client.ReceiveTextAsync());
        }
    }

    [Fact]
    public async Task StartAsync_SettingsAndBuilderHook_ReachEveryNode()
    {
        var prefix = RedisTestPrefix.New();
        var hooked = 0;

        await using var cluster = await HeraldCluster.StartAsync(
            2, HeraldRedisSettings.For(redis.Server, prefix), configureBuilder: _ => Interlocked.Increment(ref hooked));

        Assert.Equal(2, hooked);
        foreach (var node in cluster.Nodes)
        {
            var configuration = node.Server.Services.GetRequiredService<IConfiguration>();
            Assert.Equal(redis.Server.ConnectionString, configuration[HeraldRedisSettings.ConfigurationKey]);
            Assert.Equal(prefix, configuration[HeraldRedisSettings.PrefixKey]);
        }
    }

    [Fact]
    public async Task RestartAsync_StoppedNode_ServesAgainOnTheSamePort()
    {
        await using var cluster = await HeraldCluster.StartAsync(2);
        var node = cluster[1];
        var port = node.Port;

        await node.StopAsync();

        Assert.False(node.IsRunning);
        Assert.Single(cluster.Running);
        await Assert.ThrowsAsync<WebSocketException>(() => TestClient.ConnectAsync(node.WebSocketUri));

        await node.RestartAsync();

        Assert.Equal(port, node.Port);
        await using var client = await node.Server.ConnectAsUserAsync("bob");
        Assert.Equal(1, await node.Server.SendAsync("bob", "back"));
    }
}
