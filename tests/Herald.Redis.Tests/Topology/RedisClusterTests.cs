using System.Globalization;
using Herald.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Herald.Redis.Tests.Topology;

/// <summary>
/// Herald on a Redis Cluster of three primaries (the contracts run there too: <c>RedisClusterHubContractTests</c>):
/// the streams spread over the primaries by their hash tags, every key of one stream on the primary of its slot,
/// and a user's messages published on one node reach its connection on the other, whatever its slot.
/// </summary>
[Collection(SharedRedisCluster.Collection)]
public sealed class RedisClusterTests(SharedRedisCluster shared)
{
    private const int Users = 30;

    [Theory(Timeout = 60_000)]
    [ClassData(typeof(EveryFanout))]
    public async Task UsersOverEverySlotRange_GetWhatTheOtherNodePublishes_AndEachStreamsKeysShareOnePrimary(HeraldRedisFanout fanout)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var prefix = RedisTestPrefix.New();
        await using var nodes = await HeraldCluster.StartAsync(
            2,
            HeraldRedisSettings.For(shared.Cluster.ConnectionString, prefix, new Dictionary<string, string?> { ["Herald:Redis:Fanout"] = fanout.ToString() }),
            static builder => builder.Services.AddHerald().AddRedis());
        var users = Enumerable.Range(0, Users).Select(i => $"slot-{i.ToString(CultureInfo.InvariantCulture)}").ToArray();
        await using (var clients = await ClientGroup.ConnectAsync(users, user => nodes[0].Server.ConnectAsUserAsync(user)))
        {
            var channels = nodes[0].Server.Services.GetRequiredService<StreamChannels>();
            await Task.WhenAll(users.Select(user => channels.WhenReadyAsync(Herald.Streams.StreamId.ForUser(user))));
            foreach (var user in users)
            {
                await nodes[1].Server.Hub.PublishAsync(new HeraldPublication { Users = [user], Text = $"to {user}" }, cancellation);
            }

            foreach (var (user, client) in users.Zip(clients.Clients))
            {
                Assert.Equal($"to {user}", await client.ReceiveTextAsync());
            }
        }

        var holders = new List<HashSet<string>>();
        foreach (var server in shared.Cluster.Servers)
        {
            // The multiplexer finds every primary of the cluster from one; each is asked for its own keys.
            await using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}");
            var keys = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var key in connection.GetServer("127.0.0.1", server.Port).KeysAsync(pattern: $"{prefix}:*"))
            {
                keys.Add((string)key!);
            }

            holders.Add(keys);
        }

        Assert.All(holders, keys => Assert.Contains(keys, key => key.EndsWith(":history", StringComparison.Ordinal)));
        foreach (var user in users)
        {
            var meta = $"{prefix}:{{user:{user}}}:meta";
            var holder = Assert.Single(holders, keys => keys.Contains(meta));
            Assert.Contains($"{prefix}:{{user:{user}}}:history", holder);
        }
    }
}
