using System.IO.Pipelines;

namespace Herald.Connections;

/// <summary>
/// The two byte streams of an accepted WebSocket and the way to cut it off. Herald speaks the WebSocket
/// protocol itself over these, whichever server layer accepted the connection.
/// </summary>
internal interface IConnectionTransport
{
    PipeReader Input { get; }

    PipeWriter Output { get; }

    string RemoteAddress { get; }

    /// <summary>Drops the underlying connection at once; pending reads and writes end.</summary>
    void Abort();

    /// <summary>Releases the streams after both loops have ended.</summary>
    ValueTask DisposeAsync();
}
