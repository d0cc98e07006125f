using System.Net;
using System.Net.Sockets;

namespace Herald.Tests.Client;

/// <summary>
/// A TCP proxy on 127.0.0.1:0 in front of a server, which a test can break as a network would: drop every
/// connection at once (a reset on both sides, no Close frame), let them go silent (bytes vanish, nothing is
/// closed), refuse new ones for a while, or send them to another server. A subscriber connects through it to meet real connection losses without a hook in its code.
/// </summary>
public sealed class BreakableProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<Socket> _sockets = [];
    private readonly HashSet<Socket> _silenced = [];
    private readonly Task _accepting;
    private volatile bool _refusing;
    private volatile Uri _target;

    public BreakableProxy(Uri target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The server's WebSocket endpoint, reached through the proxy.</summary>
    public Uri WebSocketUri => new($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/ws");

    /// <summary>How many connections accepted through the proxy have not ended.</summary>
    public int OpenConnections
    {
        get
        {
            lock (_gate)
            {
                return _sockets.Count / 2;
            }
        }
    }

    /// <summary>Where new connections go (the server's base address); connections already open stay where they are.</summary>
    public void RetargetTo(Uri target) => _target = target;

    /// <summary>While true, every new connection is reset as soon as it is accepted.</summary>
    public void RefuseConnections(bool refuse) => _refusing = refuse;

    /// <summary>
    /// From now on, every open connection carries nothing in either direction, yet stays open: what a peer sees when
    /// the network between them dies silently (a laptop's sleep, a NAT that forgot the connection).
    /// </summary>
    public void SilenceConnections()
    {
        lock (_gate)
        {
            _silenced.UnionWith(_sockets);
        }
    }

    /// <summary>Resets every open connection on both sides, as a network failure would.</summary>
    public void DropConnections()
    {
        Socket[] sockets;
        lock (_gate)
        {
            sockets = [.. _sockets];
            _sockets.Clear();
        }

        foreach (var socket in sockets)
        {
            Reset(socket);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        DropConnections();
        await _accepting;
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_refusing)
            {
                Reset(client);
                continue;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            var target = _target;
            await server.ConnectAsync(target.Host, target.Port, _stopping.Token);
            lock (_gate)
            {
                _sockets.Add(client);
                _sockets.Add(server);
            }

            // Either direction ending (or failing) ends both, as one TCP connection through a middlebox would.
            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            // The server is gone or the proxy is stopping: the client sees its connection reset.
        }
        finally
        {
            lock (_gate)
            {
                _sockets.Remove(client);
                _sockets.Remove(server);
                _silenced.Remove(client);
                _silenced.Remove(server);
            }

            Reset(client);
            Reset(server);
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                if (!IsSilenced(from))
                {
                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                }
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Reset by DropConnections or by a peer.
        }
    }

    private bool IsSilenced(Socket socket)
    {
        lock (_gate)
        {
            return _silenced.Contains(socket);
        }
    }

    // Linger 0 makes Close send a reset instead of a FIN: the peer sees an aborted connection, not a clean end.
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }

        socket.Dispose();
    }
}
