using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Herald.Redis.Tests.Infrastructure;
using StackExchange.Redis;

namespace Herald.Redis.Tests.InfrastructureTests;

/// <summary>The fixture's own redis-server: each of its promises, checked against a real process.</summary>
public sealed class RedisServerTests
{
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task StartAsync_NewServer_AnswersPingOnLoopback()
    {
        await using var redis = await RedisServer.StartAsync();

        Assert.True(await redis.PingAsync(ShortTimeout), redis.Output);
        Assert.False(Process.GetProcessById(redis.Pid).HasExited);
        Assert.StartsWith($"127.0.0.1:{redis.Port},", redis.ConnectionString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_RedisNotOnPath_FailsSayingHowToInstall()
    {
        var empty = Directory.CreateTempSubdirectory("herald-redis-path-");
        try
        {
            var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => RedisServer.StartAsync(searchPath: empty.FullName));

            Assert.Equal("redis-server not found: run .ci/run, or apt-get install redis-server", exception.Message);
        }
        finally
        {
            empty.Delete();
        }
    }

    [Fact]
    public async Task RestartAsync_Persistent_KeepsKeys()
    {
        await using var redis = await RedisServer.StartAsync(persistent: true);
        await SetAsync(redis, "kept", "yes");

        await redis.RestartAsync(kill: true);

        Assert.Equal("yes", await GetAsync(redis, "kept"));
    }

    [Fact]
    public async Task RestartAsync_NotPersistent_LosesKeys()
    {
        await using var redis = await RedisServer.StartAsync();
        var port = redis.Port;
        await SetAsync(redis, "lost", "yes");

        await redis.RestartAsync();

        Assert.Equal(port, redis.Port);
        Assert.Null(await GetAsync(redis, "lost"));
    }

    [Fact]
    public async Task KillAsync_RunningServer_ProcessGoneAndConnectingFails()
    {
        await using var redis = await RedisServer.StartAsync();
        var pid = redis.Pid;

        await redis.KillAsync();

        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid));
        Assert.False(await redis.PingAsync(ShortTimeout));
        await Assert.ThrowsAsync<RedisConnectionException>(() => redis.ConnectAsync(options =>
        {
            options.AbortOnConnectFail = true;
            options.ConnectRetry = 0;
            options.ConnectTimeout = (int)ShortTimeout.TotalMilliseconds;
        }));
    }

    [Fact]
    public async Task PauseAsync_ConnectedClient_CommandsTimeOutUntilResumeAsync()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var connection = await redis.ConnectAsync(options => options.AsyncTimeout = (int)ShortTimeout.TotalMilliseconds);
        var database = connection.GetDatabase();
        await database.PingAsync();

        await redis.PauseAsync();

        await Assert.ThrowsAsync<RedisTimeoutException>(() => database.PingAsync());
        Assert.False(await redis.PingAsync(ShortTimeout));
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            // The kernel still completes the handshake for a stopped process: a hang, not a refusal.
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, redis.Port), TestContext.Current.CancellationToken);
        }

        await redis.ResumeAsync();

        await Eventually.TrueAsync(async () => await TryPingAsync(database), "the resumed server to answer the same connection");
    }

    private static async Task<bool> TryPingAsync(IDatabase database)
    {
        try
        {
            await database.PingAsync();
            return true;
        }
        catch (RedisException)
        {
            return false;
        }
    }

    private static async Task SetAsync(RedisServer redis, string key, string value)
    {
        await using var connection = await redis.ConnectAsync();
        Assert.True(await connection.GetDatabase().StringSetAsync(key, value));
    }

    private static async Task<string?> GetAsync(RedisServer redis, string key)
    {
        await using var connection = await redis.ConnectAsync();
        return await connection.GetDatabase().StringGetAsync(key);
    }
}
