using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using Herald.Redis.Tests.Infrastructure;

namespace Herald.Redis.Tests.InfrastructureTests;

/// <summary>The standalone host as a node: configured by environment, killed by PID, started again on its port.</summary>
public sealed class HeraldNodeProcessTests(SharedRedis redis)
{
    [Fact]
    public async Task KillAsync_RunningNode_ProcessGoneConnectionsDropAndRestartServes()
    {
        await using var node = await HeraldNodeProcess.StartAsync(HeraldRedisSettings.EnvironmentFor(redis.Server, RedisTestPrefix.New()));
        var pid = node.Pid;
        await using var client = await TestClient.ConnectAsync(node.WebSocketUri);
        await client.SendTextAsync("""{"uid":"carol"}""");

        await node.KillAsync();

        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid));
        // No Close frame from a killed process: the socket just ends.
        await Assert.ThrowsAsync<WebSocketException>(() => client.ReceiveAsync());

        await node.RestartAsync();

        Assert.NotEqual(pid, node.Pid);
        using var health = await node.Http.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
