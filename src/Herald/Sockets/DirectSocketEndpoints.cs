using System.Net;

namespace Herald.Sockets;

/// <summary>
/// The addresses whose WebSocket upgrades Herald's socket transport may serve before Kestrel: those of endpoints
/// with the direct path and no TLS. Kestrel builds an endpoint's connection middleware just before it binds the
/// endpoint's addresses, so the direct path's placement marks them then; an address Kestrel binds without being
/// marked keeps Kestrel's own transport.
/// </summary>
internal sealed class DirectSocketEndpoints
{
    private readonly Lock _gate = new();
    private readonly Dictionary<IPEndPoint, bool> _allowed = [];

    /// <summary>Marks the addresses of an endpoint with the direct path.</summary>
    /// <param name="addresses">What Kestrel binds for the endpoint.</param>
    /// <param name="tls">
    /// Whether the endpoint has TLS: then never, even if an endpoint without TLS marked the same address (two
    /// endpoints on port 0 of one address), since a plain-text WebSocket must never be served where TLS is expected.
    /// </param>
    public void Mark(IEnumerable<IPEndPoint> addresses, bool tls)
    {
        lock (_gate)
        {
            foreach (var address in addresses)
            {
                _allowed[address] = !tls && _allowed.GetValueOrDefault(address, true);
            }
        }
    }

    public bool IsAllowed(EndPoint endpoint)
    {
        lock (_gate)
        {
            return endpoint is IPEndPoint address && _allowed.GetValueOrDefault(address);
        }
    }
}
