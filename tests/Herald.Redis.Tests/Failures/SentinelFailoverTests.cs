using System.Globalization;
using System.Net;
using Herald.Redis.Tests.Infrastructure;
using StackExchange.Redis;

namespace Herald.Redis.Tests.Failures;

/// <summary>
/// Herald behind Sentinel (docs/scaling.md, "Redis Cluster and Sentinel"): a primary, its replica and one Sentinel on
/// loopback. The primary is killed once the replica holds everything; Sentinel promotes the replica, the nodes follow
/// it by themselves, and a client connected through the failover gets every message once and in order, while a
/// resume on the other node finds the whole history on the new primary.
/// </summary>
public sealed class SentinelFailoverTests
{
    private const string Service = "herald";
    private static readonly TimeSpan Receive = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Failover = TimeSpan.FromSeconds(30);

    [Theory(Timeout = 90_000)]
    [ClassData(typeof(EveryFanout))]
    public async Task PrimaryKilled_ReplicaPromoted_NodesFollowIt_NothingLost(HeraldRedisFanout fanout)
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var primary = await RedisServer.StartAsync();
        await using var replica = await RedisServer.StartAsync(replicaOf: primary.Port);
        await using var sentinel = await RedisServer.StartSentinelAsync(Service, primary.Port);
        await Eventually.TrueAsync(async () => (await InfoAsync(replica, "master_link_status")) == "up", "the replica to sync with the primary", Failover);

        var prefix = RedisTestPrefix.New();
        var configuration = $"127.0.0.1:{sentinel.Port.ToString(CultureInfo.InvariantCulture)},serviceName={Service}";
        await using var reading = await FailureNode.StartAsync(primary, prefix, configuration: configuration, fanout: fanout);
        await using var publishing = await FailureNode.StartAsync(primary, prefix, configuration: configuration, fanout: fanout);
        await using var reader = new ResumingReader("fay");
        await reader.LogInAsync(reading.WebSocketUri, fromStart: true);
        for (var i = 1; i <= 3; i++)
        {
            await FailureNode.PublishOkAsync(publishing, "fay", $"{i}", cancellation);
        }

        await reader.ReadUntilCountAsync(3, Receive);

        // Replication is asynchronous: what the primary has not passed on yet is lost with it (docs/scaling.md).
        // Here the replica has all of it, so the failover itself must lose nothing.
        await Eventually.TrueAsync(async () => await ReplicatedAsync(primary, replica), "the replica to hold all the primary wrote", Failover);
        await primary.KillAsync();

        await Eventually.TrueAsync(async () => await SentinelPrimaryPortAsync(sentinel) == replica.Port, "Sentinel to promote the replica", Failover);
        await Eventually.TrueAsync(
            async () => await FailureNode.ReadyzAsync(publishing) == HttpStatusCode.OK && await FailureNode.ReadyzAsync(reading) == HttpStatusCode.OK,
            "both nodes to be ready on the new primary",
            Failover);
        await Eventually.TrueAsync(async () => await TryPublishAsync(publishing, "fay", "4", cancellation), "a publish to succeed on the new primary", Failover);
        await FailureNode.PublishOkAsync(publishing, "fay", "5", cancellation);

        await reader.ReadUntilCountAsync(5, Receive);
        Assert.Equal(["1", "2", "3", "4", "5"], reader.Received);
        Assert.Contains(reading.Logs.Entries, entry => entry.EventId == RedisEventIds.RedisTopologyChanged);

        await using var resumed = new ResumingReader("fay");
        var joined = await resumed.LogInAsync(publishing.WebSocketUri, fromStart: true);
        await resumed.ReadUntilCountAsync(5, Receive);
        Assert.Equal(true, (bool?)joined["recovered"]);
        Assert.Equal(["1", "2", "3", "4", "5"], resumed.Received);
    }

    /// <summary>A publish answered 200; false for a refusal (503 while the nodes still look for the new primary).</summary>
    private static async Task<bool> TryPublishAsync(HeraldTestServer node, string uid, string data, CancellationToken cancellation)
    {
        var (response, _) = await FailureNode.PublishAsync(node, uid, data, cancellation);
        using (response)
        {
            return response.StatusCode == HttpStatusCode.OK;
        }
    }

    private static async Task<bool> ReplicatedAsync(RedisServer primary, RedisServer replica) =>
        long.Parse((await InfoAsync(replica, "slave_repl_offset"))!, CultureInfo.InvariantCulture)
        >= long.Parse((await InfoAsync(primary, "master_repl_offset"))!, CultureInfo.InvariantCulture);

    private static async Task<int?> SentinelPrimaryPortAsync(RedisServer sentinel)
    {
        var options = ConfigurationOptions.Parse($"127.0.0.1:{sentinel.Port.ToString(CultureInfo.InvariantCulture)}");
        options.CommandMap = CommandMap.Sentinel;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        var address = await connection.GetServer(options.EndPoints[0]).SentinelGetMasterAddressByNameAsync(Service);
        return (address as IPEndPoint)?.Port;
    }

    /// <summary>One field of the server's <c>INFO replication</c>.</summary>
    private static async Task<string?> InfoAsync(RedisServer server, string field)
    {
        await using var connection = await server.ConnectAsync(static options => options.AllowAdmin = true);
        var info = await connection.GetServer(connection.GetEndPoints()[0]).InfoAsync("replication");
        return info.SelectMany(static group => group).FirstOrDefault(pair => pair.Key == field).Value;
    }
}
