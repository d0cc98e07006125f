using System.Globalization;
using StackExchange.Redis;

namespace Herald.Redis.Tests.Infrastructure;

/// <summary>
/// A Redis Cluster of three primaries, each a <see cref="RedisServer"/> in cluster mode on a free loopback port, the
/// 16,384 hash slots split between them: what Herald's hash tags are for (docs/scaling.md, "Redis Cluster and
/// Sentinel"). No replicas: the tests exercise the slots, not failover. Disposing stops all three by PID.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private const int Slots = 16_384;
    private static readonly TimeSpan FormTimeout = TimeSpan.FromSeconds(30);

    private readonly RedisServer[] _servers;

    private RedisCluster(RedisServer[] servers) => _servers = servers;

    public IReadOnlyList<RedisServer> Servers => _servers;

    /// <summary>A StackExchange.Redis configuration string naming every primary, as <c>Herald:Redis:Configuration</c> takes it.</summary>
    public string ConnectionString =>
        string.Join(',', _servers.Select(server => $"127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}")) + ",abortConnect=false";

    /// <summary>Starts three cluster-mode servers, gives each a third of the slots, joins them, and waits until the cluster says it is ok.</summary>
    public static async Task<RedisCluster> StartAsync()
    {
        var servers = new List<RedisServer>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                servers.Add(await RedisServer.StartAsync(clusterNode: true));
            }

            var cluster = new RedisCluster([.. servers]);
            await cluster.FormAsync();
            return cluster;
        }
        catch
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    private async Task FormAsync()
    {
        var perServer = Slots / _servers.Length;
        for (var i = 0; i < _servers.Length; i++)
        {
            var first = i * perServer;
            var last = i == _servers.Length - 1 ? Slots - 1 : first + perServer - 1;
            await AdminAsync(_servers[i], "CLUSTER", "ADDSLOTSRANGE", first, last);
        }

        foreach (var other in _servers.Skip(1))
        {
            await AdminAsync(_servers[0], "CLUSTER", "MEET", "127.0.0.1", other.Port);
        }

        // Not Eventually: each check opens a connection to every server, so it polls slower, and a cluster that does
        // not form is explained by what the servers printed.
        var deadline = DateTime.UtcNow + FormTimeout;
        while (!await IsFormedAsync())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the Redis Cluster did not form within {FormTimeout.TotalSeconds} s:\n{string.Join('\n', _servers.Select(server => server.Output))}");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Every server says the cluster is ok and knows all three nodes.</summary>
    private async Task<bool> IsFormedAsync()
    {
        foreach (var server in _servers)
        {
            var info = (string)(await AdminAsync(server, "CLUSTER", "INFO"))!;
            if (!info.Contains("cluster_state:ok", StringComparison.Ordinal)
                || !info.Contains($"cluster_known_nodes:{_servers.Length.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A command to one server alone (not routed by slot), on a connection of its own.</summary>
    private static async Task<RedisResult> AdminAsync(RedisServer server, string command, params object[] arguments)
    {
        var options = ConfigurationOptions.Parse($"127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}");
        options.AllowAdmin = true;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        return await connection.GetServer(options.EndPoints[0]).ExecuteAsync(command, arguments);
    }
}
