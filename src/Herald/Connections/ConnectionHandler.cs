using Herald.Diagnostics;
using Herald.Protocol;
using Herald.Routing;
using Herald.WebSockets;
using Microsoft.Extensions.Logging;

namespace Herald.Connections;

/// <summary>
/// The one place a WebSocket joins the hub and leaves it, whichever path accepted it: it builds the engine
/// connection and the session of its flavour, admits the connection (unless shutdown has begun), runs it, and
/// once it has ended takes it out of the registry and the open set. Neither the engine nor the session removes
/// itself, so no path can leave a trace behind.
/// </summary>
internal sealed class ConnectionHandler(
    WebSocketConnectionSet connections,
    ConnectionRegistry registry,
    WebSocketLimits limits,
    SessionServices sessions,
    HubCounters counters,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger(LogCategories.Connections);

    /// <summary>Whether a new connection would be admitted now: false once shutdown has begun.</summary>
    public bool IsAccepting => connections.IsAccepting;

    /// <summary>Runs an accepted WebSocket until it has closed.</summary>
    public async Task RunAsync(IWebSocketTransport transport, WireFlavour flavour)
    {
        var connection = new WebSocketConnection(transport, limits, counters, timeProvider, _logger);
        var membership = new ConnectionMembership(registry);
        var session = WireSession.Create(flavour, connection, membership, sessions);
        if (!connections.TryAdd(connection))
        {
            connection.RequestClose(WebSocketCloseCodes.GoingAway, "server shutting down", discardQueued: true);
        }

        try
        {
            await connection.RunAsync(session);
        }
        finally
        {
            // The end is logged by now, so a connection counted as gone (stats, shutdown's wait) has said why it ended.
            membership.Leave();
            connections.Remove(connection);
            await transport.DisposeAsync();
        }
    }
}
