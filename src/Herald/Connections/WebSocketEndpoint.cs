using Herald.Api;
using Herald.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Herald.Connections;

/// <summary><c>/ws</c>: accepts the WebSocket upgrade and runs the connection until it ends.</summary>
internal sealed partial class WebSocketEndpoint(ConnectionServices services, ConnectionRegistry registry, ILogger<WebSocketEndpoint> logger)
{
    private readonly WebSocketAcceptContext _acceptContext = new()
    {
        KeepAliveInterval = services.Options.KeepAliveInterval,
        KeepAliveTimeout = services.Options.KeepAliveTimeout == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : services.Options.KeepAliveTimeout,
    };

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            Log.UpgradeRefused(logger, FormatRemote(context), "not a WebSocket upgrade request");
            context.Response.Headers.Upgrade = "websocket";
            await Problems.Status(
                StatusCodes.Status426UpgradeRequired,
                "WebSocket upgrade required",
                $"This endpoint speaks WebSocket only: open it with new WebSocket('ws://{context.Request.Host}{context.Request.PathBase}{context.Request.Path}').").ExecuteAsync(context);
            return;
        }

        if (!registry.IsAccepting)
        {
            Log.UpgradeRefused(logger, FormatRemote(context), "server shutting down");
            await Problems.Status(StatusCodes.Status503ServiceUnavailable, "Server shutting down", "Herald is shutting down; reconnect to another node or retry shortly.").ExecuteAsync(context);
            return;
        }

        var socket = await context.WebSockets.AcceptWebSocketAsync(_acceptContext);
        await new ClientConnection(socket, FormatRemote(context), services).RunAsync();
    }

    private static string FormatRemote(HttpContext context) =>
        $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";

    private static partial class Log
    {
        [LoggerMessage(Diagnostics.EventIds.UpgradeRefused, LogLevel.Information, "Refused a request to the WebSocket endpoint from {RemoteAddress}: {Reason}", EventName = "UpgradeRefused")]
        public static partial void UpgradeRefused(ILogger logger, string remoteAddress, string reason);
    }
}
