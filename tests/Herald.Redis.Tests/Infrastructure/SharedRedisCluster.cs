namespace Herald.Redis.Tests.Infrastructure;

/// <summary>
/// One <see cref="RedisCluster"/> for the test classes of its collection (<see cref="Collection"/>), which run one
/// after another on it, each test under a <see cref="RedisTestPrefix"/> of its own. Started only when one of them runs.
/// </summary>
public sealed class SharedRedisCluster : IAsyncLifetime
{
    public const string Collection = "Redis Cluster";

    private RedisCluster? _cluster;

    public RedisCluster Cluster => _cluster ?? throw new InvalidOperationException("the shared Redis Cluster has not started");

    public async ValueTask InitializeAsync() => _cluster = await RedisCluster.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

/// <summary>The test classes that share one <see cref="SharedRedisCluster"/>.</summary>
[CollectionDefinition(SharedRedisCluster.Collection)]
public sealed class SharedRedisClusterDefinition : ICollectionFixture<SharedRedisCluster>;
