using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Herald.Connections;
using Herald.WebSockets;

namespace Herald.Sockets;

/// <summary>
/// A WebSocket on the bare socket that <see cref="SocketUpgrades"/> took: the socket's stream read with zero-byte
/// reads (an idle connection holds no receive buffer) and written on the thread that flushes, with no transport
/// loops, pipes or Kestrel connection behind it.
/// </summary>
/// <param name="socket">The accepted socket, its head consumed.</param>
/// <param name="client">The client's address as the gate admitted it: the peer's, or the one a known proxy forwarded.</param>
internal sealed class SocketWebSocketTransport(Socket socket, IPAddress? client) : IWebSocketTransport
{
    private string? _remoteAddress;

    public PipeReader Input { get; } = PipeReader.Create(new NetworkStream(socket, ownsSocket: false), new StreamPipeReaderOptions(leaveOpen: true, useZeroByteReads: true));

    public PipeWriter Output { get; } = PipeWriter.Create(new NetworkStream(socket, ownsSocket: false), new StreamPipeWriterOptions(leaveOpen: true));

    // Formatted when first logged, not for every connection.
    public string RemoteAddress => _remoteAddress ??= RemoteAddresses.ForLog(ClientAddress, (socket.RemoteEndPoint as IPEndPoint)?.Address, socket.RemoteEndPoint?.ToString() ?? "unknown");

    public IPAddress? ClientAddress { get; } = client;

    // Only endpoints without TLS get this transport.
    public bool IsTls => false;

    public void Abort() => SocketClose.Gracefully(socket);

    public async ValueTask DisposeAsync()
    {
        await Input.CompleteAsync();
        try
        {
            // Completing the writer flushes what it still holds, which fails on a connection that was cut off.
            await Output.CompleteAsync();
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is gone either way; its end was logged with its reason.
        }

        socket.Dispose();
    }
}
