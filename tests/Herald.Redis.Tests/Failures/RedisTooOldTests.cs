using System.Globalization;
using System.Net;
using Herald.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Redis.Tests.Failures;

/// <summary>
/// A Redis older than 7.0 (no sharded pub/sub): the node connects, says so once (event 503) and reports not ready,
/// so that a load balancer sends it no one. The Redis is a real 7 behind a proxy that makes it answer an older
/// version in HELLO and INFO.
/// </summary>
public sealed class RedisTooOldTests
{
    [Fact]
    public async Task RedisOlderThanSeven_NodeConnectedButNotReady_LogsRedisTooOld()
    {
        await using var redis = await RedisServer.StartAsync();
        Version real;
        await using (var direct = await redis.ConnectAsync())
        {
            real = direct.GetServers()[0].Version;
        }

        Assert.True(real.Major is >= 7 and <= 9, $"the test needs a Redis 7, 8 or 9 to pose as 6 (one digit for another), found {real}");
        var posing = new Version(6, real.Minor, real.Build);
        await using var proxy = new RewritingProxy(redis.Port, real.ToString(), posing.ToString());
        await using var node = await FailureNode.StartAsync(redis, RedisTestPrefix.New(), configuration: $"127.0.0.1:{proxy.Port.ToString(CultureInfo.InvariantCulture)},abortConnect=false");

        node.ExpectedError = static entry => entry.EventName == nameof(RedisEventIds.RedisTooOld);
        var connection = node.Services.GetRequiredService<RedisConnection>();
        await Eventually.TrueAsync(() => connection.Multiplexer.IsConnected, "the node to connect through the proxy");
        Assert.Equal(posing, connection.TooOld?.Version);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await FailureNode.ReadyzAsync(node));
        await Eventually.TrueAsync(() => node.Logs.Contains(nameof(RedisEventIds.RedisTooOld)), "event 503 RedisTooOld");
    }
}
