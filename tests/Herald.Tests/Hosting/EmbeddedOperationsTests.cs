using System.Net;
using Herald.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Tests.Hosting;

/// <summary>What an embedding app gets for its own operations endpoints: Herald's readiness check, and Herald's access rules on a branch of its own.</summary>
public sealed class EmbeddedOperationsTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AppsOwnReadinessEndpoint_IncludesHeraldsCheck_OnceEvenWhenAddHeraldIsCalledTwice()
    {
        await using var server = await HeraldTestServer.StartAsync(
            configureBuilder: builder => builder.Services.AddHerald(),
            configureApp: app => app.MapHealthChecks("/ready", new HealthCheckOptions
            {
                Predicate = check => check.Tags.Contains(HeraldHealthChecks.ReadinessTag),
                ResponseWriter = (context, report) => context.Response.WriteAsync(string.Join(",", report.Entries.Select(entry => $"{entry.Key}={entry.Value.Status}:{entry.Value.Description}"))),
            }));

        using var answer = await server.Http.GetAsync("/ready", Cancellation);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("herald=Healthy:accepting connections", await answer.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task UseHeraldApiAccess_OnAnAppsBranch_AppliesTheApisKeysAndScopes()
    {
        await using var server = await HeraldTestServer.StartAsync(
            settings: TestApiKeys.Settings(),
            configureApp: app => app.Map("/ops", branch =>
            {
                branch.UseHeraldApiAccess(HeraldApiAuthorization.AdminPolicy);
                branch.Run(context => context.Response.WriteAsync("ops page"));
            }));

        using var anonymous = await server.Http.GetAsync("/ops", Cancellation);
        using var publisher = await server.Http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, "/ops", TestApiKeys.Backend), Cancellation);
        using var admin = await server.Http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, "/ops", TestApiKeys.Ops), Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, publisher.StatusCode);
        Assert.Contains("need a key with the scope Admin", await publisher.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal("ops page", await admin.Content.ReadAsStringAsync(Cancellation));
    }
}
