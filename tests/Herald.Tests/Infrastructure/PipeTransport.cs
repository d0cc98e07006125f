using System.IO.Pipelines;
using System.Net;
using Herald.WebSockets;

namespace Herald.Tests.Infrastructure;

/// <summary>
/// An engine transport over two in-memory pipes, for tests of the WebSocket engine without a network. Its pipes
/// pause a writer at <paramref name="pauseBytes"/> unread bytes, as Kestrel's do (at MaxRequestBufferSize), so
/// a test sees the engine keep to the transport's limits.
/// </summary>
internal sealed class PipeTransport(long pauseBytes = 64 * 1024) : IWebSocketTransport
{
    private readonly Pipe _toServer = new(new PipeOptions(pauseWriterThreshold: pauseBytes, resumeWriterThreshold: pauseBytes / 2, useSynchronizationContext: false));
    private readonly Pipe _toClient = new(new PipeOptions(pauseWriterThreshold: pauseBytes, resumeWriterThreshold: pauseBytes / 2, useSynchronizationContext: false));
    private int _aborted;

    public PipeReader Input => _toServer.Reader;

    public PipeWriter Output => _toClient.Writer;

    public string RemoteAddress => "pipe";

    public IPAddress? ClientAddress => null;

    public bool IsTls => false;

    /// <summary>Where the client writes its bytes.</summary>
    public PipeWriter ClientOutput => _toServer.Writer;

    /// <summary>Where the client reads the server's bytes.</summary>
    public PipeReader ClientInput => _toClient.Reader;

    public bool WasAborted => Volatile.Read(ref _aborted) != 0;

    /// <summary>
    /// As a socket's abort looks to both ends: the server's reads fail, a write it is waiting on returns, and the
    /// client's pending read returns cancelled (which a peer reads as a reset).
    /// </summary>
    public void Abort()
    {
        Volatile.Write(ref _aborted, 1);
        _toServer.Writer.Complete(new IOException("aborted"));
        _toClient.Writer.CancelPendingFlush();
        _toClient.Reader.CancelPendingRead();
    }

    public async ValueTask DisposeAsync()
    {
        await _toServer.Reader.CompleteAsync();
        await _toClient.Writer.CompleteAsync();
    }
}
