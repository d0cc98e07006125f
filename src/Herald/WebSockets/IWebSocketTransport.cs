using System.IO.Pipelines;
using System.Net;

namespace Herald.WebSockets;

/// <summary>
/// The two byte streams of an accepted WebSocket and the ways to end it. The engine speaks RFC 6455 over these,
/// whichever server layer accepted the connection.
/// </summary>
internal interface IWebSocketTransport
{
    PipeReader Input { get; }

    PipeWriter Output { get; }

    /// <summary>The peer as log lines show it.</summary>
    string RemoteAddress { get; }

    /// <summary>
    /// The client's IP address: the peer's, or the one a trusted proxy forwarded; what per-address limits count.
    /// Null when the connection has no IP peer (a pipe).
    /// </summary>
    IPAddress? ClientAddress { get; }

    /// <summary>Whether the connection came over TLS (<c>wss://</c>), as a same-origin check must know.</summary>
    bool IsTls { get; }

    /// <summary>Drops the underlying connection at once; pending reads and writes end.</summary>
    void Abort();

    /// <summary>Releases the streams after both loops have ended.</summary>
    ValueTask DisposeAsync();
}
