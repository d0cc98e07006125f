using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Herald.Redis;

/// <summary>A node is ready only while it reaches Redis: without it, it cannot publish, and its clients could not resume elsewhere.</summary>
internal sealed class RedisReadinessCheck(RedisConnection redis) : IHealthCheck
{
    /// <summary>The check's name in a health report.</summary>
    public const string Name = "herald-redis";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            !redis.Multiplexer.IsConnected ? HealthCheckResult.Unhealthy("Redis unreachable")
            : redis.TooOld is { } old ? HealthCheckResult.Unhealthy($"Redis {old.Version} at {old.EndPoint} is older than {RedisConnection.MinimumVersion}")
            : HealthCheckResult.Healthy("Redis reachable"));
}
