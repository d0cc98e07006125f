using System.IO.Pipelines;
using System.Net;
using Herald.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Herald.Connections;

/// <summary>A WebSocket served straight on a Kestrel connection's own pipes, with no HTTP objects behind it.</summary>
/// <param name="connection">Kestrel's connection.</param>
/// <param name="client">The client's address as the gate admitted it: the peer's, or the one a known proxy forwarded.</param>
internal sealed class KestrelConnectionTransport(ConnectionContext connection, IPAddress? client) : IWebSocketTransport
{
    public PipeReader Input => connection.Transport.Input;

    public PipeWriter Output => connection.Transport.Output;

    public string RemoteAddress => RemoteAddresses.ForLog(ClientAddress, (connection.RemoteEndPoint as IPEndPoint)?.Address, connection.RemoteEndPoint?.ToString() ?? "unknown");

    public IPAddress? ClientAddress { get; } = client;

    // Asked for, not kept: Kestrel's TLS sets this feature once its handshake is done, before the direct path runs.
    public bool IsTls => connection.Features.Get<ITlsHandshakeFeature>() is not null;

    public void Abort() => connection.Abort();

    // Kestrel completes the pipes and closes the socket once the connection delegate returns.
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
