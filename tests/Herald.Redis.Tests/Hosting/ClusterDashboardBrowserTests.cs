using Herald.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Redis.Tests.Hosting;

/// <summary>
/// The dashboard of a cluster's node in a real browser: tests/browser/admin-cluster (Playwright driving Debian's
/// Chromium, node's test runner) against two in-process nodes on one Redis. It lists every live node, and a user
/// connected to the other node only is found online there.
/// </summary>
public sealed class ClusterDashboardBrowserTests(SharedRedis redis)
{
    private static readonly TimeSpan SuiteTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task BrowserSuite_AgainstTwoNodes_Passes()
    {
        BrowserSuite.RequireInstalled();
        var settings = HeraldRedisSettings.For(redis.Server, RedisTestPrefix.New(), new Dictionary<string, string?>
        {
            ["Herald:AdminPage"] = "true",
            ["Herald:Redis:NodeHeartbeatInterval"] = "00:00:00.2",
        });
        await using var a = await HeraldNode.StartAsync(settings, static builder => builder.Services.AddHerald().AddRedis(), name: "dashboard-a");
        await using var b = await HeraldNode.StartAsync(settings, static builder => builder.Services.AddHerald().AddRedis(), name: "dashboard-b");
        var environment = new Dictionary<string, string>
        {
            ["HERALD_URL"] = a.Server.BaseAddress.ToString(),
            ["HERALD_OTHER_URL"] = b.Server.BaseAddress.ToString(),
            ["HERALD_NODE_ID"] = NodeId(a),
            ["HERALD_OTHER_NODE_ID"] = NodeId(b),
        };

        await BrowserSuite.RunAsync("admin-cluster/", environment, SuiteTimeout);
    }

    private static string NodeId(HeraldNode node) => node.Server.Services.GetRequiredService<RedisConnection>().NodeId;

}
