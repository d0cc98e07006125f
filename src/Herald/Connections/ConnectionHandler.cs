using Herald.Diagnostics;
using Herald.Protocol;
using Herald.Routing;
using Herald.WebSockets;
using Microsoft.Extensions.Logging;

namespace Herald.Connections;

/// <summary>
/// The one place a WebSocket joins the hub and leaves it, whichever path accepted it: it builds the engine
/// connection and the session of its flavour, admits the connection (unless shutdown has begun), runs it, and
/// once it has ended (the engine tells it, as its <see cref="IWebSocketLifetime"/>) takes it out of the registry
/// and the open set. Neither the engine nor the session removes itself, so no path can leave a trace behind.
/// It also takes over the <see cref="ConnectionSlots"/> the gate took for the connection: its pending-login slot
/// is given back at login, or at the end for a connection that never logged in, its address slot at the end.
/// </summary>
internal sealed class ConnectionHandler : IWebSocketLifetime
{
    private readonly WebSocketConnectionSet _connections;
    private readonly ConnectionRegistry _registry;
    private readonly SessionServices _sessions;
    private readonly WebSocketServices _services;
    private readonly ConnectionSlots _slots;

    public ConnectionHandler(
        WebSocketConnectionSet connections,
        ConnectionRegistry registry,
        WebSocketLimits limits,
        SessionServices sessions,
        ConnectionSlots slots,
        HubCounters counters,
        DeliveryLatency latency,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        _connections = connections;
        _registry = registry;
        _sessions = sessions;
        _slots = slots;
        _services = new WebSocketServices(limits, counters, timeProvider, loggerFactory.CreateLogger(LogCategories.Connections), this, latency);
    }

    /// <summary>Whether a new connection would be admitted now: false once shutdown has begun.</summary>
    public bool IsAccepting => _connections.IsAccepting;

    /// <summary>Runs an accepted WebSocket; the task completes once it has closed and left the hub.</summary>
    /// <param name="transport">The accepted connection, holding the slots taken for its <see cref="IWebSocketTransport.ClientAddress"/> (<see cref="UpgradeGate.Admit"/>).</param>
    /// <param name="flavour">The wire flavour its handshake chose.</param>
    /// <param name="credentials">What its handshake carried to log in with; null when authentication is off.</param>
    public Task RunAsync(IWebSocketTransport transport, WireFlavour flavour, HandshakeCredentials? credentials = null)
    {
        var connection = new WebSocketConnection(transport, _services);
        var session = WireSession.Create(flavour, connection, _registry, _sessions, credentials);
        if (!_connections.TryAdd(connection))
        {
            connection.RequestClose(WebSocketCloseCodes.GoingAway, "server shutting down", discardQueued: true);
        }

        return connection.RunAsync(session);
    }

    void IWebSocketLifetime.OnEstablished(WebSocketConnection connection) => _slots.ReturnPending();

    void IWebSocketLifetime.OnEnded(WebSocketConnection connection)
    {
        // Every session this handler runs is one it made in RunAsync; it has a user once it is established.
        var session = (WireSession)connection.Session!;
        session.Leave();
        _connections.Remove(connection);
        _slots.Return(connection.ClientAddress, pending: session.UserId is null);
    }
}
