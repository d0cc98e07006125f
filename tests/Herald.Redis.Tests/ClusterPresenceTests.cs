using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Herald.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Herald.Redis.Tests;

/// <summary>
/// Presence, stats and disconnect across three in-process nodes on one redis-server, and a crashed node (an
/// out-of-process one, killed with SIGKILL) leaving the cluster's presence within NodeTimeout.
/// </summary>
public sealed class ClusterPresenceTests(SharedRedis redis)
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(1);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetUser_UserOnNodeB_IsOnlineOnNodeAWithItsCount_AndOfflineAfterItLeaves()
    {
        await using var cluster = await StartClusterAsync(RedisTestPrefix.New());
        var b = cluster[1].Server;
        var first = await b.ConnectAsUserAsync("alice");
        var second = await b.ConnectAsUserAsync("alice");

        await Eventually.TrueAsync(async () => (await GetUserAsync(cluster[0], "alice")).GetProperty("connections").GetInt32() == 2, "node A to see alice's two connections");
        var online = await GetUserAsync(cluster[0], "alice");
        Assert.True(online.GetProperty("online").GetBoolean());
        Assert.Equal([(NodeId(b), 2)], online.GetProperty("nodes").EnumerateObject().Select(node => (node.Name, node.Value.GetInt32())));
        Assert.Empty(online.GetProperty("connectionDetails").EnumerateArray());

        await first.DisposeAsync();
        await second.DisposeAsync();

        await Eventually.TrueAsync(async () => !(await GetUserAsync(cluster[0], "alice")).GetProperty("online").GetBoolean(), "alice to go offline on node A");
        var offline = await GetUserAsync(cluster[0], "alice");
        Assert.Equal(0, offline.GetProperty("connections").GetInt32());
        Assert.Empty(offline.GetProperty("nodes").EnumerateObject());
    }

    [Fact]
    public async Task DotNetPublisher_OnACluster_ReadsWhichNodesHoldTheUserAndEveryLiveNode()
    {
        await using var cluster = await StartClusterAsync(RedisTestPrefix.New());
        await using var onB = await cluster[1].Server.ConnectAsUserAsync("nina");
        await using var onC = await cluster[2].Server.ConnectAsUserAsync("nina");
        using var http = new HttpClient { BaseAddress = cluster[0].Server.BaseAddress };
        var publisher = new Herald.Client.HeraldPublisher(http);

        await Eventually.TrueAsync(async () => (await publisher.GetUserAsync("nina", Cancellation)).Connections == 2, "node A to see nina on B and C");
        var presence = await publisher.GetUserAsync("nina", Cancellation);
        await Eventually.TrueAsync(async () => (await publisher.GetStatsAsync(Cancellation)).Connections == 2, "node A's stats to count B's and C's connections");
        var stats = await publisher.GetStatsAsync(Cancellation);

        Assert.Equal(new Dictionary<string, int> { [NodeId(cluster[1].Server)] = 1, [NodeId(cluster[2].Server)] = 1 }, presence.Nodes);
        Assert.Empty(presence.ConnectionDetails);
        Assert.Equal(NodeId(cluster[0].Server), stats.Node);
        Assert.Equal(cluster.Nodes.Select(node => NodeId(node.Server)).Order(), stats.Nodes!.Select(node => node.Id).Order());
        Assert.Equal(NodeId(cluster[0].Server), stats.Nodes![0].Id);
    }

    [Fact]
    public async Task GetStats_ConnectionsOnEveryNode_AreSummedWithEachLiveNodeListed()
    {
        await using var cluster = await StartClusterAsync(RedisTestPrefix.New());
        var clients = new List<TestClient>
        {
            await cluster[0].Server.ConnectAsUserAsync("a"),
            await cluster[1].Server.ConnectAsUserAsync("b"),
            await cluster[2].Server.ConnectAsUserAsync("c"),
            await cluster[2].Server.ConnectAsUserAsync("d"),
        };

        // The other nodes' counts are as of their last heartbeat.
        await Eventually.TrueAsync(async () => (await GetStatsAsync(cluster[0])).GetProperty("connections").GetInt32() == 4, "node A's stats to count every node's connections");
        var stats = await GetStatsAsync(cluster[0]);
        Assert.Equal(4, stats.GetProperty("users").GetInt32());
        Assert.Equal(NodeId(cluster[0].Server), stats.GetProperty("node").GetString());
        var nodes = stats.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(NodeId(cluster[0].Server), nodes[0].GetProperty("id").GetString());
        Assert.Equal(
            cluster.Nodes.Select(node => (NodeId(node.Server), node == cluster[2] ? 2 : 1)).Order(),
            nodes.Select(node => (node.GetProperty("id").GetString()!, node.GetProperty("connections").GetInt32())).Order());
        Assert.All(nodes, node => Assert.InRange(node.GetProperty("heartbeatAgeSeconds").GetDouble(), 0, NodeTimeout.TotalSeconds));
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Disconnect_ViaNodeA_ClosesTheUsersConnectionsOnBAndCWith4004_AndCountsThem()
    {
        await using var cluster = await StartClusterAsync(RedisTestPrefix.New());
        await using var onB = await cluster[1].Server.ConnectAsUserAsync("mallory");
        await using var onC = await cluster[2].Server.ConnectAsUserAsync("mallory");
        await Eventually.TrueAsync(async () => (await GetUserAsync(cluster[0], "mallory")).GetProperty("connections").GetInt32() == 2, "node A to see mallory on B and C");

        using var response = await cluster[0].Server.Http.PostAsync(new Uri("/api/v1/users/mallory/disconnect?reason=banned", UriKind.Relative), null, Cancellation);
        response.EnsureSuccessStatusCode();

        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("disconnected").GetInt32());
        Assert.Equal(4004, await onB.ReceiveCloseAsync());
        Assert.Equal(4004, await onC.ReceiveCloseAsync());
        Assert.Equal("banned", onC.Socket.CloseStatusDescription);
        await Eventually.TrueAsync(async () => !(await GetUserAsync(cluster[0], "mallory")).GetProperty("online").GetBoolean(), "mallory to go offline");
    }

    [Fact]
    public async Task Publish_BroadcastAndTopic_DeliveredCountsEveryNodesConnections()
    {
        await using var cluster = await StartClusterAsync(RedisTestPrefix.New());
        await using var onB = await cluster[1].Server.ConnectAsUserAsync("b");
        await using var onC = await cluster[2].Server.ConnectAsUserAsync("c");
        var a = cluster[0].Server;

        await Eventually.TrueAsync(async () => (await a.Hub.PublishAsync(new HeraldPublication { Broadcast = true, Text = "all" }, Cancellation)).Streams[0].Delivered == 2, "a broadcast's delivered to count B's and C's connections");
        await Eventually.TrueAsync(async () => (await a.Hub.PublishAsync(new HeraldPublication { Users = ["c"], Text = "to c" }, Cancellation)).Streams[0].Delivered == 1, "a publish to c's stream to count C's connection");
    }

    [Fact]
    public async Task GracefulStop_RemovesTheNodesEntriesAtOnce()
    {
        var prefix = RedisTestPrefix.New();
        await using var cluster = await StartClusterAsync(prefix);
        var b = cluster[1].Server;
        var id = NodeId(b);
        await using var client = await b.ConnectAsUserAsync("leaver");
        await Eventually.TrueAsync(async () => (await redis.Database.HashGetAsync($"{prefix}:{{user:leaver}}:presence", id)).HasValue, "B's presence field");

        await cluster[1].StopAsync();

        Assert.False((await redis.Database.HashGetAsync($"{prefix}:{{user:leaver}}:presence", id)).HasValue);
        Assert.Null(await redis.Database.SortedSetScoreAsync($"{prefix}:{{nodes}}:nodes", id));
        Assert.False(await redis.Database.KeyExistsAsync($"{prefix}:{{nodes}}:node:{id}"));
        Assert.False(await redis.Database.KeyExistsAsync($"{prefix}:{{nodes}}:node:{id}:streams"));
    }

    [Fact]
    public async Task CrashedNode_LeavesPresenceWithinNodeTimeout_AndTheJanitorRemovesItsKeys()
    {
        var prefix = RedisTestPrefix.New();
        var environment = HeraldRedisSettings.EnvironmentFor(redis.Server, prefix);
        environment["Herald__Redis__NodeHeartbeatInterval"] = HeartbeatInterval.ToString();
        environment["Herald__Redis__NodeTimeout"] = NodeTimeout.ToString();
        await using var crashing = await HeraldNodeProcess.StartAsync(environment);
        await using var cluster = await StartClusterAsync(prefix, nodes: 1);
        await using var client = await TestClient.ConnectAsync(crashing.WebSocketUri);
        await client.SendTextAsync("""{"uid":"zoe"}""");
        await Eventually.TrueAsync(async () => (await GetUserAsync(cluster[0], "zoe")).GetProperty("online").GetBoolean(), "zoe online on the in-process node");
        var crashedId = (await GetUserAsync(cluster[0], "zoe")).GetProperty("nodes").EnumerateObject().Single().Name;
        var presence = (RedisKey)$"{prefix}:{{user:zoe}}:presence";
        Assert.True((await redis.Database.HashGetAsync(presence, crashedId)).HasValue);

        await crashing.KillAsync();
        var killed = Stopwatch.StartNew();

        // Readers ignore a node past NodeTimeout without a heartbeat, janitor or not.
        await Eventually.TrueAsync(async () => !(await GetUserAsync(cluster[0], "zoe")).GetProperty("online").GetBoolean(), "zoe to leave presence", timeout: 4 * NodeTimeout);
        Assert.True(killed.Elapsed < NodeTimeout + HeartbeatInterval + TimeSpan.FromSeconds(1), $"left presence after {killed.Elapsed}");
        await Eventually.TrueAsync(async () => !(await redis.Database.HashGetAsync(presence, crashedId)).HasValue
            && await redis.Database.SortedSetScoreAsync($"{prefix}:{{nodes}}:nodes", crashedId) is null
            && !await redis.Database.KeyExistsAsync($"{prefix}:{{nodes}}:node:{crashedId}:streams"), "the janitor to remove the crashed node's entries", timeout: 4 * NodeTimeout);
        Assert.False(await redis.Database.KeyExistsAsync($"{prefix}:{{nodes}}:node:{crashedId}"));

        // The janitor logs once it is done, just after the keys went.
        await Eventually.TrueAsync(
            () => cluster[0].Server.Logs.Entries.Any(entry => entry.EventId == RedisEventIds.RedisNodeGone && entry.Message.Contains(crashedId, StringComparison.Ordinal)),
            "the janitor's RedisNodeGone line");
    }

    [Fact]
    public async Task RedisRestartedEmpty_EachNodeRewritesItsPresence()
    {
        await using var own = await RedisServer.StartAsync();
        var prefix = RedisTestPrefix.New();
        await using var cluster = await StartClusterAsync(prefix, nodes: 2, server: own);
        await using var client = await cluster[1].Server.ConnectAsUserAsync("phoenix");
        await Eventually.TrueAsync(async () => (await GetUserAsync(cluster[0], "phoenix")).GetProperty("online").GetBoolean(), "phoenix online on node A");

        // Without persistence Redis comes back empty: every presence entry and heartbeat is lost.
        await own.RestartAsync(kill: true);

        await using var check = await own.ConnectAsync();
        await Eventually.TrueAsync(async () => (await check.GetDatabase().HashGetAsync($"{prefix}:{{user:phoenix}}:presence", NodeId(cluster[1].Server))) == 1, "node B to rewrite its presence", timeout: TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(async () => (await GetUserAsync(cluster[0], "phoenix")).GetProperty("connections").GetInt32() == 1, "phoenix online on node A again");
        Assert.Contains(cluster[1].Server.Logs.Entries, entry => entry.EventId == RedisEventIds.RedisPresenceRewritten);
    }

    [Fact]
    public async Task NodeCleanedUpAsGone_RewritesItsPresenceAtItsNextHeartbeat()
    {
        var prefix = RedisTestPrefix.New();
        await using var cluster = await StartClusterAsync(prefix, nodes: 1);
        var id = NodeId(cluster[0].Server);
        await using var client = await cluster[0].Server.ConnectAsUserAsync("sleeper");
        var presence = (RedisKey)$"{prefix}:{{user:sleeper}}:presence";
        await Eventually.TrueAsync(async () => (await redis.Database.HashGetAsync(presence, id)).HasValue, "the node's presence field");

        // What another node's janitor does to a node that stalled past NodeTimeout.
        await redis.Database.HashDeleteAsync(presence, id);
        await redis.Database.KeyDeleteAsync([$"{prefix}:{{nodes}}:node:{id}", $"{prefix}:{{nodes}}:node:{id}:streams"]);
        await redis.Database.SortedSetRemoveAsync($"{prefix}:{{nodes}}:nodes", id);

        await Eventually.TrueAsync(async () => await redis.Database.HashGetAsync(presence, id) == 1
            && await redis.Database.SetContainsAsync($"{prefix}:{{nodes}}:node:{id}:streams", "user:sleeper"), "the node to write its presence again");
    }

    private Task<HeraldCluster> StartClusterAsync(string prefix, int nodes = 3, RedisServer? server = null) => HeraldCluster.StartAsync(
        nodes,
        HeraldRedisSettings.For(server ?? redis.Server, prefix, new Dictionary<string, string?>
        {
            ["Herald:Redis:NodeHeartbeatInterval"] = HeartbeatInterval.ToString(),
            ["Herald:Redis:NodeTimeout"] = NodeTimeout.ToString(),
        }),
        configureBuilder: builder => builder.Services.AddHerald().AddRedis());

    private static string NodeId(HeraldTestServer server) => server.Services.GetRequiredService<RedisConnection>().NodeId;

    private static async Task<JsonElement> GetUserAsync(HeraldNode node, string uid) =>
        await node.Server.Http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/users/{uid}", UriKind.Relative), Cancellation);

    private static async Task<JsonElement> GetStatsAsync(HeraldNode node) =>
        await node.Server.Http.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/stats", UriKind.Relative), Cancellation);
}
