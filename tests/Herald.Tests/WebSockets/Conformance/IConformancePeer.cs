namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// The client end of one WebSocket connection, at the level of bytes: what the conformance cases need from a
/// transport. Over TCP today (<see cref="TcpConformancePeer"/>); the same cases can run over in-memory pipes
/// against the engine alone with another implementation.
/// </summary>
public interface IConformancePeer : IAsyncDisposable
{
    /// <summary>Writes these bytes as one write, exactly as given (no framing, no masking added).</summary>
    Task WriteAsync(ReadOnlyMemory<byte> bytes);

    /// <summary>
    /// The next server frame, or how the connection ended (cleanly or by a reset), or
    /// <see cref="PeerEventKind.TimedOut"/> when nothing came within <paramref name="timeout"/>.
    /// </summary>
    Task<PeerEvent> ReadAsync(TimeSpan timeout);
}
