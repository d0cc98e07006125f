using Herald.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Hosting;

/// <summary>Herald's direct WebSocket path on a Kestrel endpoint.</summary>
public static class HeraldListenOptionsExtensions
{
    /// <summary>
    /// Serves valid WebSocket upgrades to Herald's mapped <c>/ws</c> straight on the connection, before the HTTP
    /// layer, which cuts the memory an idle connection costs by about half. Everything else on the endpoint
    /// (the HTTP API, your own endpoints, any other request) goes through ASP.NET Core as before. The app's
    /// middleware does not see those upgrades, so leave this off when your own middleware guards <c>/ws</c>.
    /// Plain-text endpoints only: on a TLS endpoint every request takes the HTTP path.
    /// </summary>
    public static ListenOptions UseHeraldDirectWebSockets(this ListenOptions listenOptions)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        listenOptions.Use(next => ActivatorUtilities.CreateInstance<DirectWebSocketMiddleware>(listenOptions.ApplicationServices, next).OnConnectedAsync);
        return listenOptions;
    }

    /// <summary>Turns on <see cref="UseHeraldDirectWebSockets(ListenOptions)"/> for every Kestrel endpoint of the app.</summary>
    public static IWebHostBuilder UseHeraldDirectWebSockets(this IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.UseHeraldDirectWebSockets()));
    }
}
