using System.Net;
using System.Net.Sockets;

namespace Herald.Bench.Net;

/// <summary>
/// Builds the <see cref="SocketsHttpHandler"/> every socket of the generator goes through, HTTP and WebSocket
/// alike: its ConnectCallback binds each new socket to the next source address of the pool before connecting.
/// </summary>
internal static class LoopbackHandler
{
    public static SocketsHttpHandler Create(LoopbackTarget target, SourceAddressPool? sources, int maxConnections)
    {
        var endPoint = target.EndPoint;
        return new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            ConnectCallback = (_, cancellationToken) => ConnectAsync(endPoint, sources?.Next(), cancellationToken),
        };
    }

    private static async ValueTask<Stream> ConnectAsync(IPEndPoint server, IPAddress? source, CancellationToken cancellationToken)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (source is not null)
            {
                socket.Bind(new IPEndPoint(source, 0));
            }

            await socket.ConnectAsync(server, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
