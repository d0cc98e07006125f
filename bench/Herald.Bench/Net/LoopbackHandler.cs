using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Herald.Bench.Net;

/// <summary>
/// Builds the <see cref="SocketsHttpHandler"/> every socket of the generator goes through, HTTP and WebSocket
/// alike: its ConnectCallback binds each new socket to the next source address of the pool before connecting, and
/// over https it accepts the target's one pinned certificate.
/// </summary>
internal static class LoopbackHandler
{
    public static SocketsHttpHandler Create(LoopbackTarget target, SourceAddressPool? sources, int maxConnections)
    {
        var endPoint = target.EndPoint;
        var trusted = target.ServerCertificateSha256;
        return new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = trusted is null ? null : (_, certificate, _, _) => IsTrusted(certificate, trusted) },
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            ConnectCallback = (_, cancellationToken) => ConnectAsync(endPoint, sources?.Next(), cancellationToken),
        };
    }

    private static bool IsTrusted(X509Certificate? certificate, string sha256) =>
        certificate is not null && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), sha256, StringComparison.OrdinalIgnoreCase);

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
