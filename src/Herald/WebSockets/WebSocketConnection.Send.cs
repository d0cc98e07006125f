using System.Buffers;
using System.IO.Pipelines;
namespace Herald.WebSockets;

internal sealed partial class WebSocketConnection
{
    // Frames queued together go out in one flush, up to this much: one write for a burst, bounded latency for the rest.
    private const int MaxBatchBytes = 64 * 1024;

    /// <summary>
    /// The only writer of this connection: queued frames in order, several per flush, then the Close frame once
    /// closing was requested. Its task completes only once <paramref name="receiveLoop"/> has ended too.
    /// </summary>
    private async Task SendLoopAsync(Task receiveLoop)
    {
        var output = _transport.Output;
        var unflushedMessages = 0;
        try
        {
            while (!_discardQueued && await _queue.WaitToReadAsync())
            {
                var batchBytes = 0;
                var now = LatencyClock();
                while (batchBytes < MaxBatchBytes && !_discardQueued && _queue.TryDequeue(out var frame))
                {
                    output.Write(frame.Bytes.Span);
                    batchBytes += frame.Length;
                    if (frame.IsMessage)
                    {
                        unflushedMessages++;
                        _services.Latency?.Record(frame.AcceptedAt, now);
                    }
                }

                var flush = await output.FlushAsync();
                _services.Counters.AddDelivered(unflushedMessages);
                unflushedMessages = 0;
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    Abort("connection lost (the peer stopped reading)");
                    return;
                }
            }

            if (Volatile.Read(ref _aborted) == 0)
            {
                output.Write(ServerFrame.CreateClose(_closeCode, _closeDescription));
                await output.FlushAsync();
            }
        }
        catch (Exception exception)
        {
            // Frames written but never flushed were not delivered.
            _services.Counters.AddDropped(unflushedMessages);
            OnConnectionLost(exception);
        }
        finally
        {
            try
            {
                await LoopEndedAsync();
            }
            finally
            {
                // Kestrel releases the transport once this task completes, so never before the receive loop is done with it.
                await receiveLoop;
            }
        }
    }

    /// <summary>
    /// Writes a frame on the caller's thread while the send loop waits (<see cref="FrameQueue.TryBeginWriteNow"/>).
    /// A flush the socket cannot take at once finishes in the background, the send loop still held off.
    /// </summary>
    private void WriteNow(OutboundFrame frame)
    {
        var messages = frame.IsMessage ? 1 : 0;
        if (frame.IsMessage)
        {
            _services.Latency?.Record(frame.AcceptedAt, LatencyClock());
        }

        ValueTask<FlushResult> flush;
        try
        {
            flush = _transport.Output.WriteAsync(frame.Bytes);
        }
        catch (Exception exception)
        {
            WriteNowEnded(messages, exception);
            return;
        }

        EndWriteNowAfter(flush, messages);
    }

    /// <summary>
    /// Writes what is queued, in one flush, on the caller's thread: for a <see cref="SendBurst"/> that took the
    /// writing over from the waiting send loop when it queued a frame. Frames queued since then go out in the
    /// same write; what is left past <see cref="MaxBatchBytes"/>, or arrives during the flush, wakes the send loop.
    /// </summary>
    internal void WriteClaimed()
    {
        if (_discardQueued || !_queue.TryDequeue(out var first))
        {
            // Dropped or cut off meanwhile: the send loop goes on to the Close.
            _queue.EndWriteNow();
            return;
        }

        var output = _transport.Output;
        var messages = first.IsMessage ? 1 : 0;
        var now = LatencyClock();
        if (first.IsMessage)
        {
            _services.Latency?.Record(first.AcceptedAt, now);
        }

        ValueTask<FlushResult> flush;
        try
        {
            if (!_queue.TryDequeue(out var frame))
            {
                // The common case at a low rate: one frame, written from its shared bytes without a copy where the transport can.
                flush = output.WriteAsync(first.Bytes);
            }
            else
            {
                output.Write(first.Bytes.Span);
                var batchBytes = first.Length;
                do
                {
                    output.Write(frame.Bytes.Span);
                    batchBytes += frame.Length;
                    if (frame.IsMessage)
                    {
                        messages++;
                        _services.Latency?.Record(frame.AcceptedAt, now);
                    }
                }
                while (batchBytes < MaxBatchBytes && !_discardQueued && _queue.TryDequeue(out frame));

                flush = output.FlushAsync();
            }
        }
        catch (Exception exception)
        {
            WriteNowEnded(messages, exception);
            return;
        }

        EndWriteNowAfter(flush, messages);
    }

    /// <summary>The clock for one write's frames, read once per write; 0 while nobody listens to the delivery latency.</summary>
    private long LatencyClock() => _services.Latency?.Now() ?? 0;

    private void EndWriteNowAfter(ValueTask<FlushResult> flush, int messages)
    {
        if (!flush.IsCompleted)
        {
            _ = FinishWriteNowAsync(flush, messages);
            return;
        }

        try
        {
            WriteNowEnded(messages, flush.GetAwaiter().GetResult());
        }
        catch (Exception exception)
        {
            WriteNowEnded(messages, exception);
        }
    }

    private async Task FinishWriteNowAsync(ValueTask<FlushResult> flush, int messages)
    {
        try
        {
            WriteNowEnded(messages, await flush);
        }
        catch (Exception exception)
        {
            WriteNowEnded(messages, exception);
        }
    }

    private void WriteNowEnded(int messages, FlushResult flush)
    {
        _services.Counters.AddDelivered(messages);
        _queue.EndWriteNow();
        if (flush.IsCompleted || flush.IsCanceled)
        {
            Abort("connection lost (the peer stopped reading)");
        }
    }

    private void WriteNowEnded(int messages, Exception exception)
    {
        // A frame written but never flushed was not delivered.
        _services.Counters.AddDropped(messages);
        _queue.EndWriteNow();
        OnConnectionLost(exception);
    }
}
