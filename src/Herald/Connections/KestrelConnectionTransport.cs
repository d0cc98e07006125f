using System.IO.Pipelines;
using Herald.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Herald.Connections;

/// <summary>A WebSocket served straight on a Kestrel connection's own pipes, with no HTTP objects behind it.</summary>
internal sealed class KestrelConnectionTransport(ConnectionContext connection) : IWebSocketTransport
{
    public PipeReader Input => connection.Transport.Input;

    public PipeWriter Output => connection.Transport.Output;

    public string RemoteAddress => connection.RemoteEndPoint?.ToString() ?? "unknown";

    // Asked for, not kept: Kestrel's TLS sets this feature once its handshake is done, before the direct path runs.
    public bool IsTls => connection.Features.Get<ITlsHandshakeFeature>() is not null;

    public void Abort() => connection.Abort();

    // Kestrel completes the pipes and closes the socket once the connection delegate returns.
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
