using Herald.Api;
using Herald.Connections;
using Herald.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Herald's endpoints into an application.</summary>
public static class HeraldEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>/ws</c> (WebSocket), <c>GET|POST /send</c>, <c>GET /api/v1/stats</c> and
    /// <c>GET /api/v1/users/{uid}</c> under <paramref name="prefix"/>. The returned group takes the app's own
    /// conventions (authorization, CORS, rate limiting) for all of them.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>AddHerald()</c> was not called.</exception>
    public static RouteGroupBuilder MapHerald(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        var services = endpoints.ServiceProvider;
        var mapped = services.GetService<MappedPrefixes>()
            ?? throw new InvalidOperationException("Herald's services are missing: call builder.Services.AddHerald() before app.MapHerald().");
        mapped.Add(prefix);

        var group = endpoints.MapGroup(prefix);

        // Handlers are resolved per request, not here: resolving them reads the options, and invalid options must
        // surface as the host's start-up validation failure, not as an exception from MapHerald.
        group.Map("/ws", context => context.RequestServices.GetRequiredService<WebSocketEndpoint>().HandleAsync(context))
            .WithDisplayName("Herald WebSocket");

        group.MapMethods("/send", [HttpMethods.Get, HttpMethods.Post], context => context.RequestServices.GetRequiredService<SendEndpoint>().HandleAsync(context))
            .WithDisplayName("Herald send");
        group.MapGet("/api/v1/stats", context => context.RequestServices.GetRequiredService<HubEndpoints>().GetStatsAsync(context))
            .WithDisplayName("Herald stats");

        // A catch-all, so that a uid containing '/' can be asked about as /api/v1/users/a/b.
        group.MapGet("/api/v1/users/{**uid}", context => context.RequestServices.GetRequiredService<HubEndpoints>().GetUserAsync(context))
            .WithDisplayName("Herald user presence");
        return group;
    }
}
