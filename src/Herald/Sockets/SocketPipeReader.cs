using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Herald.Sockets;

/// <summary>
/// The input of a WebSocket on a bare socket: one buffer, rented from the shared pool only while bytes wait to be
/// consumed, so an idle connection holds none; it waits for data with a zero-byte receive and then reads what the
/// socket holds without waiting. One reader at a time, as <see cref="PipeReader"/> requires. A read ends only by
/// data, the end of the stream or the socket closing (Herald aborts a connection; it never cancels a read).
/// </summary>
/// <param name="socket">A non-blocking socket.</param>
internal sealed class SocketPipeReader(Socket socket) : PipeReader
{
    private const int BufferBytes = 4096;

    private byte[]? _buffer;
    private int _start;
    private int _end;
    private bool _examinedAll = true;
    private bool _endOfStream;
    private bool _completed;

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        BareSocketCancellation.Refuse(cancellationToken);
        if (!_examinedAll || _endOfStream)
        {
            return new ValueTask<ReadResult>(Result());
        }

        return TryReceive() ? new ValueTask<ReadResult>(Result()) : ReceiveAsync();
    }

    public override bool TryRead(out ReadResult result)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (!_examinedAll || _endOfStream || TryReceive())
        {
            result = Result();
            return true;
        }

        result = default;
        return false;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_buffer is null)
        {
            return;
        }

        var consumedAt = consumed.GetObject() is null ? _start : consumed.GetInteger();
        var examinedAt = examined.GetObject() is null ? _start : examined.GetInteger();
        if (consumedAt < _start || consumedAt > _end || examinedAt < consumedAt || examinedAt > _end)
        {
            throw new InvalidOperationException("AdvanceTo was given a position outside the last read's buffer");
        }

        _start = consumedAt;
        _examinedAll = examinedAt == _end;
        if (_start == _end)
        {
            ReturnBuffer();
        }
    }

    /// <exception cref="NotSupportedException">Always: a read on this reader ends by data, end of stream or the socket closing.</exception>
    public override void CancelPendingRead() =>
        throw BareSocketCancellation.NotSupported();

    public override void Complete(Exception? exception = null)
    {
        _completed = true;
        ReturnBuffer();
    }

    private ReadResult Result() => new(
        _buffer is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(_buffer, _start, _end - _start),
        isCanceled: false,
        isCompleted: _endOfStream);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult> ReceiveAsync()
    {
        do
        {
            try
            {
                await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
            }
            catch (SocketException exception)
            {
                throw new IOException($"the connection failed: {exception.Message}", exception);
            }
        }
        while (!TryReceive());

        return Result();
    }

    /// <summary>Reads what the socket holds now, without waiting.</summary>
    /// <returns>True when bytes arrived or the stream ended; false when the socket has nothing yet.</returns>
    private bool TryReceive()
    {
        MakeRoom();
        var received = socket.Receive(_buffer.AsSpan(_end), SocketFlags.None, out var error);
        if (error == SocketError.WouldBlock)
        {
            ReturnBufferIfEmpty();
            return false;
        }

        if (error != SocketError.Success)
        {
            ReturnBufferIfEmpty();
            throw new IOException($"the connection failed: {error}", new SocketException((int)error));
        }

        _end += received;
        _endOfStream = received == 0;
        _examinedAll = false;
        ReturnBufferIfEmpty();
        return true;
    }

    private void MakeRoom()
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
            return;
        }

        if (_end < _buffer.Length)
        {
            return;
        }

        // Full: move what is left to the front, or, when all of it is left, into a buffer twice as large.
        var kept = _end - _start;
        var target = _start > 0 ? _buffer : ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
        Buffer.BlockCopy(_buffer, _start, target, 0, kept);
        if (target != _buffer)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = target;
        }

        (_start, _end) = (0, kept);
    }

    private void ReturnBufferIfEmpty()
    {
        if (_start == _end)
        {
            ReturnBuffer();
        }
    }

    private void ReturnBuffer()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            (_buffer, _start, _end) = (null, 0, 0);
        }
    }
}
