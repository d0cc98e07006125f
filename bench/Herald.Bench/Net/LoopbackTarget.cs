using System.Net;
using System.Net.Sockets;
using Herald.Bench.Cli;

namespace Herald.Bench.Net;

/// <summary>
/// The server under test, which must be on this machine's loopback: the generator refuses any other host so a
/// load run can never be pointed at someone else's server. Over https it trusts one certificate, named by its
/// SHA-256, and no other: a test server's certificate is self-signed, and "accept any" is never an option.
/// </summary>
internal sealed class LoopbackTarget
{
    private LoopbackTarget(Uri httpBase, IPEndPoint endPoint, string? serverCertificateSha256)
    {
        HttpBase = httpBase;
        EndPoint = endPoint;
        ServerCertificateSha256 = serverCertificateSha256;
        WebSocketUri = new UriBuilder(httpBase) { Scheme = httpBase.Scheme == Uri.UriSchemeHttps ? "wss" : "ws", Path = "/ws" }.Uri;
    }

    /// <summary>The server's base address, e.g. http://127.0.0.1:8181/ or https://127.0.0.1:8443/.</summary>
    public Uri HttpBase { get; }

    /// <summary>The SHA-256 of the one server certificate trusted over https, in hex; null over http.</summary>
    public string? ServerCertificateSha256 { get; }

    public Uri WebSocketUri { get; }

    /// <summary>Where every socket connects; "localhost" is taken as 127.0.0.1.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Client sockets can take source addresses from 127.0.0.2–250 only when the server is on IPv4 loopback.</summary>
    public bool CanSpreadSourceAddresses => EndPoint.AddressFamily == AddressFamily.InterNetwork;

    /// <exception cref="UsageException">
    /// The URL is malformed, not http or https, or not loopback; or https without the certificate's SHA-256, or http with it.
    /// </exception>
    public static LoopbackTarget Parse(string url, string? serverCertificateSha256)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--url '{url}' is not an absolute http:// or https:// URL (for example http://127.0.0.1:8181)");
        }

        var https = uri.Scheme == Uri.UriSchemeHttps;
        if (https != serverCertificateSha256 is not null)
        {
            throw new UsageException(https
                ? $"--url '{url}' is https: give --server-cert-sha256 HEX, the SHA-256 of the server's certificate, the one certificate the generator will trust"
                : "--server-cert-sha256 is for an https:// --url only");
        }

        if (serverCertificateSha256 is not null && (serverCertificateSha256.Length != 64 || !serverCertificateSha256.All(char.IsAsciiHexDigit)))
        {
            throw new UsageException($"--server-cert-sha256 must be 64 hex digits (was '{serverCertificateSha256}')");
        }

        if (uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query))
        {
            throw new UsageException($"--url '{url}' must be the server's base address, without a path or query");
        }

        var address = ResolveLoopback(uri)
            ?? throw new UsageException($"refusing --url '{url}': Herald.Bench only talks to loopback (127.0.0.0/8, ::1 or localhost)");
        return new LoopbackTarget(new Uri(uri.GetLeftPart(UriPartial.Authority) + "/"), new IPEndPoint(address, uri.Port), serverCertificateSha256);
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
