using System.Net;
using System.Net.Sockets;
using Herald.Bench.Cli;

namespace Herald.Bench.Net;

/// <summary>
/// The server under test, which must be on this machine's loopback: the generator refuses any other host so a
/// load run can never be pointed at someone else's server.
/// </summary>
internal sealed class LoopbackTarget
{
    private LoopbackTarget(Uri httpBase, IPEndPoint endPoint)
    {
        HttpBase = httpBase;
        EndPoint = endPoint;
        WebSocketUri = new UriBuilder(httpBase) { Scheme = "ws", Path = "/ws" }.Uri;
    }

    /// <summary>The server's base address, e.g. http://127.0.0.1:8181/.</summary>
    public Uri HttpBase { get; }

    public Uri WebSocketUri { get; }

    /// <summary>Where every socket connects; "localhost" is taken as 127.0.0.1.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Client sockets can take source addresses from 127.0.0.2–250 only when the server is on IPv4 loopback.</summary>
    public bool CanSpreadSourceAddresses => EndPoint.AddressFamily == AddressFamily.InterNetwork;

    /// <exception cref="UsageException">The URL is malformed, not http, or not loopback.</exception>
    public static LoopbackTarget Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new UsageException($"--url '{url}' is not an absolute http:// URL (for example http://127.0.0.1:8181)");
        }

        if (uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query))
        {
            throw new UsageException($"--url '{url}' must be the server's base address, without a path or query");
        }

        var address = ResolveLoopback(uri)
            ?? throw new UsageException($"refusing --url '{url}': Herald.Bench only talks to loopback (127.0.0.0/8, ::1 or localhost)");
        return new LoopbackTarget(new Uri(uri.GetLeftPart(UriPartial.Authority) + "/"), new IPEndPoint(address, uri.Port));
    }

    private static IPAddress? ResolveLoopback(Uri uri)
    {
        if (uri.IsLoopback && string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        if (!IPAddress.TryParse(uri.DnsSafeHost, out var address))
        {
            return null;
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork when address.GetAddressBytes()[0] == 127 => address,
            AddressFamily.InterNetworkV6 when address.Equals(IPAddress.IPv6Loopback) => address,
            _ => null,
        };
    }
}
