using StackExchange.Redis;

[assembly: AssemblyFixture(typeof(Herald.Redis.Tests.Infrastructure.SharedRedis))]

namespace Herald.Redis.Tests.Infrastructure;

/// <summary>
/// The one redis-server (and one multiplexer to it) of the whole test assembly, for the tests that only need "a Redis":
/// each takes a <see cref="RedisTestPrefix"/> of its own. A test that stops, kills or pauses Redis starts its own
/// <see cref="RedisServer"/> instead. When redis-server is missing, every test that takes this fixture fails, saying
/// how to install it.
/// </summary>
public sealed class SharedRedis : IAsyncLifetime
{
    private RedisServer? _server;
    private ConnectionMultiplexer? _connection;

    public RedisServer Server => _server ?? throw new InvalidOperationException("the shared Redis has not started");

    /// <summary>A connection for the tests' own reads and writes (what a node stored, setting up a state).</summary>
    public IConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("the shared Redis has not started");

    public IDatabase Database => Connection.GetDatabase();

    public async ValueTask InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        _connection = await _server.ConnectAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
