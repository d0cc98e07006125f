using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Herald.Redis.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Herald.Redis.Tests.Failures;

/// <summary>
/// An in-process node for the failure tests: on the test's own Redis, with a short CommandTimeout so that a
/// refusal comes quickly, and /readyz mapped as the standalone host maps it.
/// </summary>
internal static class FailureNode
{
    /// <summary>The CommandTimeout the failure tests run with.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(1);

    /// <summary>How late a refusal may come past CommandTimeout on a loaded machine and still count as not hanging.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromSeconds(1.5);

    /// <param name="redis">The test's Redis.</param>
    /// <param name="prefix">The cluster's key prefix.</param>
    /// <param name="configure">Herald's options.</param>
    /// <param name="connectionOptions">Appended to the connection string (<c>name=…</c>), to single the node's connections out in Redis.</param>
    /// <param name="configuration">The connection string in place of <paramref name="redis"/>'s (a proxy in front of it, a Sentinel).</param>
    /// <param name="fanout">The node's <c>Herald:Redis:Fanout</c>; the default when null.</param>
    public static Task<HeraldTestServer> StartAsync(
        RedisServer redis, string prefix, Action<HeraldOptions>? configure = null, string? connectionOptions = null, string? configuration = null, HeraldRedisFanout? fanout = null) =>
        HeraldTestServer.StartAsync(
            configure: configure,
            settings: HeraldRedisSettings.For(redis, prefix, new Dictionary<string, string?>
            {
                ["Herald:Redis:CommandTimeout"] = CommandTimeout.ToString(),
                [HeraldRedisSettings.ConfigurationKey] = (configuration ?? redis.ConnectionString) + (connectionOptions is null ? "" : $",{connectionOptions}"),
                ["Herald:Redis:Fanout"] = fanout?.ToString(),
            }),
            configureBuilder: builder =>
            {
                builder.Services.AddHerald().AddRedis();

                // An unhealthy check is logged as an error by ASP.NET Core; here it is what the test waits for.
                builder.Logging.AddFilter(typeof(HealthCheckService).FullName!.Replace("HealthCheckService", "DefaultHealthCheckService", StringComparison.Ordinal), LogLevel.Critical);
            },
            configureApp: app => app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = static check => check.Tags.Contains(HeraldHealthChecks.ReadinessTag) }));

    public static async Task<HttpStatusCode> ReadyzAsync(HeraldTestServer node)
    {
        using var response = await node.Http.GetAsync("/readyz", TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    /// <summary>POST /api/v1/publish of <paramref name="data"/> to <paramref name="uid"/>; the answer and how long it took.</summary>
    public static async Task<(HttpResponseMessage Response, TimeSpan Took)> PublishAsync(HeraldTestServer node, string uid, string data, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var response = await node.Http.PostAsJsonAsync("/api/v1/publish", new { users = new[] { uid }, data }, cancellationToken);
        return (response, watch.Elapsed);
    }

    /// <summary>Publishes and requires a 200.</summary>
    public static async Task PublishOkAsync(HeraldTestServer node, string uid, string data, CancellationToken cancellationToken)
    {
        var (response, _) = await PublishAsync(node, uid, data, cancellationToken);
        using (response)
        {
            Assert.True(response.IsSuccessStatusCode, $"publish of {data}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }
    }

    /// <summary>Publishes and requires the 503 of an unreachable cluster, within CommandTimeout and the slack.</summary>
    /// <returns>How long the refusal took.</returns>
    public static async Task<TimeSpan> PublishRefusedAsync(HeraldTestServer node, string uid, string data, CancellationToken cancellationToken)
    {
        var (response, took) = await PublishAsync(node, uid, data, cancellationToken);
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"publish of {data}: {(int)response.StatusCode} {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("\"title\":\"Cluster unavailable\"", body, StringComparison.Ordinal);
            Assert.Contains("Redis is unreachable", body, StringComparison.Ordinal);
            Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "Retry-After in whole seconds");
        }

        Assert.True(took < CommandTimeout + Slack, $"the 503 took {took.TotalMilliseconds:0} ms, CommandTimeout is {CommandTimeout.TotalMilliseconds:0} ms");
        return took;
    }
}
