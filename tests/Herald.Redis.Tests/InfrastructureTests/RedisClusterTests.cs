using System.Diagnostics;
using Herald.Redis.Tests.Infrastructure;
using StackExchange.Redis;

namespace Herald.Redis.Tests.InfrastructureTests;

/// <summary>The fixture's own Redis Cluster: each of its promises, checked against real processes.</summary>
public sealed class RedisClusterTests
{
    [Fact]
    public async Task StartAsync_ThreePrimaries_ServeEverySlotAsOneCluster()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await RedisCluster.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(cluster.ConnectionString);

        Assert.Equal(3, cluster.Servers.Count);
        Assert.All(cluster.Servers, server => Assert.True(server.ClusterNode));
        Assert.Equal(ServerType.Cluster, connection.GetServer("127.0.0.1", cluster.Servers[0].Port).ServerType);

        // Keys of different hash tags land on different primaries; a hash tag keeps its keys on one.
        var database = connection.GetDatabase();
        var tags = Enumerable.Range(0, 30).Select(i => $"{{tag-{i}}}").ToArray();
        foreach (var tag in tags)
        {
            await database.StringSetAsync($"{tag}:a", "1");
            await database.StringSetAsync($"{tag}:b", "2");
        }

        var owners = tags.Select(tag => connection.GetServer(connection.GetDatabase().IdentifyEndpoint($"{tag}:a")!)).ToArray();
        Assert.Equal(3, owners.Select(owner => owner.EndPoint.ToString()).Distinct().Count());
        foreach (var (tag, owner) in tags.Zip(owners))
        {
            var held = new List<string>();
            await foreach (var key in owner.KeysAsync(pattern: $"{tag}:*").WithCancellation(cancellation))
            {
                held.Add((string)key!);
            }

            Assert.Equal([$"{tag}:a", $"{tag}:b"], held.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task DisposeAsync_StopsEveryServer()
    {
        var cluster = await RedisCluster.StartAsync();
        var pids = cluster.Servers.Select(server => server.Pid).ToArray();

        await cluster.DisposeAsync();

        Assert.All(pids, pid => Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid)));
    }
}
