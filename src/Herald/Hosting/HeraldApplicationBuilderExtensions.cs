using Herald.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Herald's access rules for endpoints that are not Herald's own.</summary>
public static class HeraldApplicationBuilderExtensions
{
    /// <summary>
    /// Lets a request through the rest of this (branched) pipeline only as Herald's HTTP API would let it through to
    /// an endpoint of <paramref name="policy"/>: a loopback caller while no API key is configured, else a key with
    /// the policy's scope, under the same rate limit, answers and log lines (docs/security.md). For a metrics scrape
    /// or an operator's page beside Herald's own admin endpoints.
    /// </summary>
    /// <param name="app">The pipeline, usually a branch for one path.</param>
    /// <param name="policy">One of <see cref="Herald.HeraldApiAuthorization"/>'s policies, or an app's own policy name.</param>
    public static IApplicationBuilder UseHeraldApiAccess(this IApplicationBuilder app, string policy)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentException.ThrowIfNullOrEmpty(policy);
        var gate = new Lazy<ApiRequestGate>(app.ApplicationServices.GetRequiredService<ApiRequestGate>);
        return app.Use(next => context => gate.Value.InvokeAsync(context, policy, next));
    }
}
