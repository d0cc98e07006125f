namespace Herald.Tests.WebSockets;

/// <summary>
/// A stream that reads from fixed bytes and records what is written into a separate buffer, so a BCL WebSocket can
/// read our frames and answer (pongs, close replies) without overwriting what it has yet to read.
/// </summary>
internal sealed class DuplexStream(byte[] input) : Stream
{
    private readonly MemoryStream _input = new(input, writable: false);

    public MemoryStream Output { get; } = new();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => _input.Read(buffer, offset, count);

    public override void Write(byte[] buffer, int offset, int count) => Output.Write(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _input.Dispose();
            Output.Dispose();
        }

        base.Dispose(disposing);
    }
}
