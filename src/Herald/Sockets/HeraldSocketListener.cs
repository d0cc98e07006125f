using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Herald.Connections;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Herald.Sockets;

/// <summary>
/// One bound endpoint of <see cref="HeraldSocketTransportFactory"/>: accepts connections, lets
/// <see cref="SocketUpgrades"/> look at each one's first request, and queues those it leaves to Kestrel for
/// Kestrel's accept loop.
/// </summary>
internal sealed class HeraldSocketListener : IConnectionListener
{
    private readonly Socket _listenSocket;
    private readonly bool _noDelay;
    private readonly SocketConnectionContextFactory _kestrelConnections;
    private readonly SocketUpgrades _upgrades;
    private readonly Channel<ConnectionContext> _forKestrel = Channel.CreateUnbounded<ConnectionContext>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _unbound = new();
    private readonly Task _acceptLoop;

    public HeraldSocketListener(Socket listenSocket, bool noDelay, SocketConnectionContextFactory kestrelConnections, SocketUpgrades upgrades)
    {
        _listenSocket = listenSocket;
        _noDelay = noDelay;
        _kestrelConnections = kestrelConnections;
        _upgrades = upgrades;
        EndPoint = listenSocket.LocalEndPoint!;
        _acceptLoop = AcceptLoopAsync();
    }

    public EndPoint EndPoint { get; }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (await _forKestrel.Reader.WaitToReadAsync(cancellationToken))
        {
            if (_forKestrel.Reader.TryRead(out var connection))
            {
                return connection;
            }
        }

        return null;
    }

    /// <summary>Gives an accepted socket, none of whose bytes were consumed, to Kestrel.</summary>
    public void HandToKestrel(Socket socket)
    {
        if (_unbound.IsCancellationRequested || !_forKestrel.Writer.TryWrite(_kestrelConnections.Create(socket)))
        {
            SocketClose.Gracefully(socket);
        }
    }

    public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        if (!_unbound.IsCancellationRequested)
        {
            await _unbound.CancelAsync();
        }

        _listenSocket.Dispose();
        await _acceptLoop;
    }

    public async ValueTask DisposeAsync()
    {
        await UnbindAsync();

        // Handed on after Kestrel's last accept: nobody else will close them.
        while (_forKestrel.Reader.TryRead(out var connection))
        {
            await connection.DisposeAsync();
        }

        _kestrelConnections.Dispose();
        _unbound.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                Socket socket;
                try
                {
                    socket = await _listenSocket.AcceptAsync(_unbound.Token);
                }
                catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
                {
                    // The client gave up before its connection was accepted: nothing to serve.
                    continue;
                }

                socket.NoDelay = _noDelay;
                _upgrades.Serve(socket, this, _unbound.Token);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException
            or SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Interrupted })
        {
            // Unbound: Kestrel stops accepting.
        }
        finally
        {
            _forKestrel.Writer.TryComplete();
        }
    }
}
