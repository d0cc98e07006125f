using Microsoft.AspNetCore.Http;

namespace Herald.Api;

/// <summary><c>GET /api/v1/stats</c> and <c>GET /api/v1/users/{uid}</c>: the hub's state for operators and backends.</summary>
internal sealed class HubEndpoints(IHeraldHub hub, HeraldOptions options)
{
    public Task GetStatsAsync(HttpContext context) =>
        context.Response.WriteAsJsonAsync(hub.GetStats(), ApiJsonContext.Default.HubStats, cancellationToken: context.RequestAborted);

    public Task GetUserAsync(HttpContext context)
    {
        var uid = context.Request.RouteValues["uid"] as string;
        if (UserIdRules.Validate(uid, options.MaxUserIdLength) is { } error)
        {
            return Problems.InvalidParameter("uid", error).ExecuteAsync(context);
        }

        return context.Response.WriteAsJsonAsync(hub.GetUser(uid!), ApiJsonContext.Default.UserPresence, cancellationToken: context.RequestAborted);
    }
}
