using System.Net.WebSockets;

namespace Herald.Connections;

internal sealed partial class ClientConnection
{
    /// <summary>
    /// The only writer of this socket: frames in queue order, then the Close frame once closing was requested.
    /// </summary>
    private async Task SendLoopAsync()
    {
        try
        {
            while (!_discardQueued && await _queue.WaitToReadAsync())
            {
                while (!_discardQueued && _queue.TryDequeue(out var frame))
                {
                    try
                    {
                        await _socket.SendAsync(frame.Payload, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                    }
                    catch
                    {
                        // The frame was taken from the queue but never fully written: it counts as dropped.
                        _services.Counters.MessageDropped(1);
                        throw;
                    }

                    _services.Counters.MessageDelivered();
                }
            }

            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(_closeStatus, _closeDescription, CancellationToken.None);
            }
        }
        catch (Exception exception)
        {
            OnConnectionLost(exception);
        }
    }
}
