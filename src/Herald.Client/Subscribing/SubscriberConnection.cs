using System.Net.WebSockets;

namespace Herald.Client.Subscribing;

/// <summary>
/// One WebSocket of a subscriber and what only that connection knows: the streams it is on and the answers it
/// waits for. The subscriber guards <see cref="Streams"/> and <see cref="Pending"/> with its lock; the socket
/// has one receive (the connection task) and one send at a time (the subscriber's send lock).
/// </summary>
internal sealed class SubscriberConnection(ClientWebSocket socket)
{
    private byte[] _receiveBuffer = new byte[16 * 1024];

    public ClientWebSocket Socket { get; } = socket;

    /// <summary>The streams a <c>joined</c> put this connection on, until a <c>left</c> or an unsubscribe takes it off.</summary>
    public HashSet<string> Streams { get; } = new(StringComparer.Ordinal);

    /// <summary>The answers still to come, in the order the commands were sent; the server answers in that order.</summary>
    public List<PendingAnswer> Pending { get; } = [];

    /// <summary>True once <c>welcome</c> came: the login was accepted.</summary>
    public bool LoggedIn { get; set; }

    /// <summary>Takes the first pending answer for <paramref name="command"/>, on <paramref name="stream"/> when given.</summary>
    public PendingAnswer? TakePending(string command, string? stream)
    {
        var index = Pending.FindIndex(p => p.Command == command && (stream is null || p.Stream == stream));
        if (index < 0)
        {
            return null;
        }

        var answer = Pending[index];
        Pending.RemoveAt(index);
        return answer;
    }

    /// <summary>
    /// Receives one whole text message; null when the server's Close frame came. Binary messages are skipped: the
    /// protocol has none.
    /// </summary>
    public async Task<ReadOnlyMemory<byte>?> ReceiveTextAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            if (length == _receiveBuffer.Length)
            {
                Array.Resize(ref _receiveBuffer, _receiveBuffer.Length * 2);
            }

            var result = await Socket.ReceiveAsync(_receiveBuffer.AsMemory(length), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                if (result.MessageType == WebSocketMessageType.Text)
                {
                    return _receiveBuffer.AsMemory(0, length);
                }

                length = 0;
            }
        }
    }
}
