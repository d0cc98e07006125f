using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Herald.Sockets;

/// <summary>
/// The output of a WebSocket on a bare socket: frames are gathered in one buffer, rented from the shared pool only
/// until they are flushed, and a flush sends them on the flushing thread without waiting; only when the socket's
/// buffer is full does it wait for room. One writer at a time, as <see cref="PipeWriter"/> requires. A flush ends
/// only by the bytes being sent or the socket failing (Herald aborts a connection; it never cancels a flush).
/// </summary>
/// <param name="socket">A non-blocking socket.</param>
internal sealed class SocketPipeWriter(Socket socket) : PipeWriter
{
    private const int MinimumBufferBytes = 4096;

    private byte[]? _buffer;
    private int _written;
    private bool _completed;

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => _written;

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        MakeRoom(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        MakeRoom(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public override void Advance(int bytes)
    {
        if (bytes < 0 || _buffer is null || _written + bytes > _buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), "more bytes than the memory given out");
        }

        _written += bytes;
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        BareSocketCancellation.Refuse(cancellationToken);
        var sent = 0;
        while (sent < _written)
        {
            var count = socket.Send(_buffer.AsSpan(sent, _written - sent), SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                return SendRestAsync(sent);
            }

            if (error != SocketError.Success)
            {
                ReturnBuffer();
                throw Failed(error);
            }

            sent += count;
        }

        ReturnBuffer();
        return new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: false));
    }

    /// <summary>
    /// Sends <paramref name="source"/> and what is buffered before it. With nothing buffered the bytes go to the
    /// socket straight from the caller's memory (a frame shared by every recipient, not copied for each); only what
    /// the socket cannot take at once is copied into the buffer, to wait for room.
    /// </summary>
    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        BareSocketCancellation.Refuse(cancellationToken);
        if (_written > 0)
        {
            source.Span.CopyTo(GetSpan(source.Length));
            Advance(source.Length);
            return FlushAsync(cancellationToken);
        }

        var sent = 0;
        while (sent < source.Length)
        {
            var count = socket.Send(source.Span[sent..], SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                var rest = source.Span[sent..];
                rest.CopyTo(GetSpan(rest.Length));
                Advance(rest.Length);
                return SendRestAsync(0);
            }

            if (error != SocketError.Success)
            {
                throw Failed(error);
            }

            sent += count;
        }

        return new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: false));
    }

    /// <exception cref="NotSupportedException">Always: a flush on this writer ends by the bytes being sent or the socket failing.</exception>
    public override void CancelPendingFlush() =>
        throw BareSocketCancellation.NotSupported();

    /// <summary>Ends the writer; bytes not flushed are sent first, without waiting for room (the connection is ending).</summary>
    public override void Complete(Exception? exception = null)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        if (_written > 0 && exception is null)
        {
            socket.Send(_buffer.AsSpan(0, _written), SocketFlags.None, out _);
        }

        ReturnBuffer();
    }

    private static IOException Failed(SocketError error) =>
        new($"the connection failed: {error}", new SocketException((int)error));

    /// <summary>The socket's buffer is full: waits for room, which only a client that reads slowly makes necessary.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FlushResult> SendRestAsync(int sent)
    {
        try
        {
            while (sent < _written)
            {
                sent += await socket.SendAsync(_buffer.AsMemory(sent, _written - sent), SocketFlags.None);
            }
        }
        catch (SocketException exception)
        {
            throw new IOException($"the connection failed: {exception.Message}", exception);
        }
        finally
        {
            ReturnBuffer();
        }

        return new FlushResult(isCanceled: false, isCompleted: false);
    }

    private void MakeRoom(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        var needed = _written + Math.Max(sizeHint, 1);
        if (_buffer is not null && needed <= _buffer.Length)
        {
            return;
        }

        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(MinimumBufferBytes, (_buffer?.Length ?? 0) * 2)));
        if (_buffer is not null)
        {
            Buffer.BlockCopy(_buffer, 0, grown, 0, _written);
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = grown;
    }

    private void ReturnBuffer()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            (_buffer, _written) = (null, 0);
        }
    }
}
