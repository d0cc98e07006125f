using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Herald.WebSockets;

namespace Herald.Microbench;

/// <summary>
/// A connection's transport without a network: reads yield the client's frames given at construction and then
/// wait; writes vanish into <see cref="Stream.Null"/>.
/// </summary>
internal sealed class SinkTransport : IWebSocketTransport
{
    private readonly Pipe _incoming = new();

    public SinkTransport(byte[] clientFrames)
    {
        // The pipe's buffer takes the few bytes of a login at once, so the flush completes synchronously.
        _incoming.Writer.Write(clientFrames);
        _incoming.Writer.FlushAsync().AsTask().GetAwaiter().GetResult();
    }

    public PipeReader Input => _incoming.Reader;

    public PipeWriter Output { get; } = PipeWriter.Create(Stream.Null);

    public string RemoteAddress => "bench";

    public IPAddress? ClientAddress => null;

    public bool IsTls => false;

    public void Abort() => _incoming.Writer.Complete();

    public async ValueTask DisposeAsync()
    {
        await Input.CompleteAsync();
        await Output.CompleteAsync();
    }
}
