using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Herald.Redis.Tests.Infrastructure;

/// <summary>
/// A TCP proxy on 127.0.0.1:0 in front of a local server that rewrites one string in what the server sends back,
/// to the same length: a Redis 7 made to say it is an older version, in its HELLO and INFO answers, to meet the
/// version check without an old Redis installed. Replies that carry the string are short, so it is replaced within
/// each read rather than across reads.
/// </summary>
public sealed class RewritingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Socket> _sockets = [];
    private readonly Lock _gate = new();
    private readonly int _targetPort;
    private readonly byte[] _from;
    private readonly byte[] _to;
    private readonly Task _accepting;

    public RewritingProxy(int targetPort, string from, string to)
    {
        if (from.Length != to.Length)
        {
            throw new ArgumentException("The rewrite must keep the length, or the RESP lengths before it go wrong.", nameof(to));
        }

        (_targetPort, _from, _to) = (targetPort, Encoding.ASCII.GetBytes(from), Encoding.ASCII.GetBytes(to));
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        lock (_gate)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }

        await _accepting;
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (true)
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

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        lock (_gate)
        {
            _sockets.Add(client);
            _sockets.Add(server);
        }

        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stopping.Token);
            await Task.WhenAny(PumpAsync(client, server, rewrite: false), PumpAsync(server, client, rewrite: true));
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            // The server is gone or the proxy is stopping.
        }
        finally
        {
            client.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool rewrite)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                if (rewrite)
                {
                    Replace(buffer.AsSpan(0, read));
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Closed by the peer or by DisposeAsync.
        }
    }

    private void Replace(Span<byte> bytes)
    {
        int at;
        while ((at = bytes.IndexOf(_from)) >= 0)
        {
            _to.CopyTo(bytes[at..]);
            bytes = bytes[(at + _to.Length)..];
        }
    }
}
