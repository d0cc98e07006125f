using System.Buffers;
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
                while (batchBytes < MaxBatchBytes && !_discardQueued && _queue.TryDequeue(out var frame))
                {
                    output.Write(frame.Bytes.Span);
                    batchBytes += frame.Length;
                    if (frame.IsMessage)
                    {
                        unflushedMessages++;
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
}
