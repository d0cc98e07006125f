using Herald.Api;
using Herald.Connections;
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
        var webSocket = services.GetService<WebSocketEndpoint>()
            ?? throw new InvalidOperationException("Herald's services are missing: call builder.Services.AddHerald() before app.MapHerald().");
        var send = services.GetRequiredService<SendEndpoint>();
        var hub = services.GetRequiredService<HubEndpoints>();

        var group = endpoints.MapGroup(prefix);

        // The upgrade needs the WebSocket middleware; running it inside the endpoint keeps MapHerald self-contained.
        var webSocketPipeline = endpoints.CreateApplicationBuilder();
        webSocketPipeline.UseWebSockets();
        webSocketPipeline.Run(webSocket.HandleAsync);
        group.Map("/ws", webSocketPipeline.Build()).WithDisplayName("Herald WebSocket");

        group.MapMethods("/send", [HttpMethods.Get, HttpMethods.Post], send.HandleAsync).WithDisplayName("Herald send");
        group.MapGet("/api/v1/stats", hub.GetStatsAsync).WithDisplayName("Herald stats");
        group.MapGet("/api/v1/users/{uid}", hub.GetUserAsync).WithDisplayName("Herald user presence");
        return group;
    }
}
