using Herald.WebSockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Herald.Hosting;

/// <summary>
/// Herald is ready once the host has started and until its shutdown begins: in between it accepts connections
/// and publishes. A load balancer that probes it stops sending clients to a node as soon as it starts draining.
/// </summary>
internal sealed class HeraldReadinessCheck(IHostApplicationLifetime lifetime, WebSocketConnectionSet connections) : IHealthCheck
{
    private static readonly Task<HealthCheckResult> Ready = Task.FromResult(HealthCheckResult.Healthy("accepting connections"));
    private static readonly Task<HealthCheckResult> Starting = Task.FromResult(HealthCheckResult.Unhealthy("starting"));
    private static readonly Task<HealthCheckResult> Stopping = Task.FromResult(HealthCheckResult.Unhealthy("shutting down: no new connections"));

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        lifetime.ApplicationStopping.IsCancellationRequested || !connections.IsAccepting ? Stopping
        : lifetime.ApplicationStarted.IsCancellationRequested ? Ready
        : Starting;
}
