using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Herald.Connections;
using Herald.WebSockets;

namespace Herald.Sockets;

/// <summary>
/// A WebSocket on the bare socket that <see cref="SocketUpgrades"/> took: read with zero-byte receives (an idle
/// connection holds no receive buffer) and written on the thread that flushes, with no transport loops, pipes or
/// Kestrel connection behind it. The socket is non-blocking: reads and writes take what the socket has or has room
/// for at once, and wait asynchronously only when it has nothing or no room.
/// </summary>
internal sealed class SocketWebSocketTransport : IWebSocketTransport
{
    private readonly Socket _socket;
    private string? _remoteAddress;

    /// <param name="socket">The accepted socket, its head consumed.</param>
    /// <param name="client">The client's address as the gate admitted it: the peer's, or the one a known proxy forwarded.</param>
    public SocketWebSocketTransport(Socket socket, IPAddress? client)
    {
        _socket = socket;
        socket.Blocking = false;
        ClientAddress = client;
        Input = new SocketPipeReader(socket);
        Output = new SocketPipeWriter(socket);
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    // Formatted when first logged, not for every connection.
    public string RemoteAddress => _remoteAddress ??= RemoteAddresses.ForLog(ClientAddress, (_socket.RemoteEndPoint as IPEndPoint)?.Address, _socket.RemoteEndPoint?.ToString() ?? "unknown");

    public IPAddress? ClientAddress { get; }

    // Only endpoints without TLS get this transport.
    public bool IsTls => false;

    public void Abort() => SocketClose.Gracefully(_socket);

    public async ValueTask DisposeAsync()
    {
        await Input.CompleteAsync();
        try
        {
            // Completing the writer sends what it still holds, which fails on a connection that was cut off.
            await Output.CompleteAsync();
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is gone either way; its end was logged with its reason.
        }

        _socket.Dispose();
    }
}
