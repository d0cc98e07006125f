using System.Text.Json;
using Herald.Routing;
using Microsoft.AspNetCore.Http;

namespace Herald.Api;

/// <summary>
/// <c>GET /api/v1/stats</c>, <c>GET /api/v1/users/{uid}</c> and <c>POST /api/v1/users/{uid}/disconnect</c>: the
/// hub's state, and the one thing a backend may do to a user's connections.
/// </summary>
internal sealed class HubEndpoints(IHeraldHub hub, HeraldOptions options)
{
    private const string DisconnectAction = "/disconnect";


    public async Task GetStatsAsync(HttpContext context)
    {
        HubStats stats;
        try
        {
            stats = await hub.GetStatsAsync(context.RequestAborted);
        }
        catch (BackplaneUnavailableException unavailable)
        {
            await WriteLookupUnavailableAsync(context, unavailable);
            return;
        }

        await context.Response.WriteAsJsonAsync(stats, ApiJsonContext.Default.HubStats, cancellationToken: context.RequestAborted);
    }

    public async Task GetUserAsync(HttpContext context)
    {
        var uid = context.Request.RouteValues["uid"] as string;
        if (UserIdRules.Validate(uid, options.MaxUserIdLength) is { } error)
        {
            await Problems.InvalidParameter("uid", error).ExecuteAsync(context);
            return;
        }

        UserPresence presence;
        try
        {
            presence = await hub.GetUserAsync(uid!, context.RequestAborted);
        }
        catch (BackplaneUnavailableException unavailable)
        {
            await WriteLookupUnavailableAsync(context, unavailable);
            return;
        }

        await context.Response.WriteAsJsonAsync(presence, ApiJsonContext.Default.UserPresence, cancellationToken: context.RequestAborted);
    }

    private static Task WriteLookupUnavailableAsync(HttpContext context, BackplaneUnavailableException unavailable) =>
        Problems.WriteUnavailableAsync(context, unavailable,
            $"The cluster's Redis is unreachable or did not answer in time, so the other nodes' state cannot be read. Retry after {Problems.RetryAfterSeconds(unavailable)} s.");

    /// <summary>
    /// <c>POST /api/v1/users/{uid}/disconnect</c>, routed as a catch-all so that a uid may contain '/'; the optional
    /// <c>reason</c> comes from the query string or a JSON body.
    /// </summary>
    public async Task PostUserActionAsync(HttpContext context)
    {
        var path = context.Request.RouteValues["path"] as string ?? string.Empty;
        if (!path.EndsWith(DisconnectAction, StringComparison.Ordinal))
        {
            await Problems.Status(StatusCodes.Status404NotFound, "Unknown user action", "The only action is POST /api/v1/users/{uid}/disconnect.").ExecuteAsync(context);
            return;
        }

        var uid = path[..^DisconnectAction.Length];
        if (UserIdRules.Validate(uid, options.MaxUserIdLength) is { } uidError)
        {
            await Problems.InvalidParameter("uid", uidError).ExecuteAsync(context);
            return;
        }

        string? reason = context.Request.Query["reason"];
        if (context.Request.HasJsonContentType() && context.Request.ContentLength is not 0)
        {
            try
            {
                var body = await JsonSerializer.DeserializeAsync(context.Request.Body, ApiJsonContext.Default.DisconnectRequestBody, context.RequestAborted);
                reason = body?.Reason ?? reason;
            }
            catch (JsonException exception)
            {
                await Problems.Status(StatusCodes.Status400BadRequest, "Invalid JSON body", $"The request body is not valid JSON for {{\"reason\": string}}: {exception.Message}").ExecuteAsync(context);
                return;
            }
        }

        if (DisconnectReason.Validate(reason) is { } reasonError)
        {
            await Problems.InvalidParameter("reason", reasonError).ExecuteAsync(context);
            return;
        }

        int disconnected;
        try
        {
            disconnected = await hub.DisconnectUserAsync(uid, reason, context.RequestAborted);
        }
        catch (BackplaneUnavailableException unavailable)
        {
            await Problems.WriteUnavailableAsync(context, unavailable,
                $"The cluster's Redis is unreachable or did not answer in time, so the other nodes may not have been told to close the user's connections. Retry after {Problems.RetryAfterSeconds(unavailable)} s.");
            return;
        }

        await context.Response.WriteAsJsonAsync(new DisconnectResponse(disconnected), ApiJsonContext.Default.DisconnectResponse, cancellationToken: context.RequestAborted);
    }
}
