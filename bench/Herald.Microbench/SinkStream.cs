namespace Herald.Microbench;

/// <summary>
/// A socket stand-in: reads yield the client's frames given at construction, then wait until the connection is
/// aborted; writes vanish at once.
/// </summary>
internal sealed class SinkStream(byte[] incoming) : Stream
{
    private readonly TaskCompletionSource<int> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _readOffset;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_readOffset == incoming.Length)
        {
            return new(_closed.Task.WaitAsync(cancellationToken));
        }

        var count = Math.Min(buffer.Length, incoming.Length - _readOffset);
        incoming.AsSpan(_readOffset, count).CopyTo(buffer.Span);
        _readOffset += count;
        return new(count);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        _closed.TrySetResult(0);
        base.Dispose(disposing);
    }
}
