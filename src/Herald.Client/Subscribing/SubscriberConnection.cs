using System.Net.WebSockets;

namespace Herald.Client.Subscribing;

/// <summary>
/// One WebSocket of a subscriber and what only that connection knows: the streams it is on and the answers it
/// waits for. The subscriber guards <see cref="Streams"/> and <see cref="Pending"/> with its lock; the socket
/// has one receive (the connection task) and one send at a time (the subscriber's send lock). The keep-alive
/// reads <see cref="LastHeard"/> and <see cref="IsDelivering"/> from its own task.
/// </summary>
internal sealed class SubscriberConnection(ClientWebSocket socket, TimeProvider timeProvider)
{
    private byte[] _receiveBuffer = new byte[16 * 1024];
    private long _lastHeard = timeProvider.GetTimestamp();
    private volatile bool _delivering;
    private volatile bool _timedOut;
    private string? _token;
    private Exception? _refreshFailure;

    public ClientWebSocket Socket { get; } = socket;

    /// <summary>When the last frame came from the server (a <see cref="TimeProvider"/> timestamp), or the last delivery ended.</summary>
    public long LastHeard => Volatile.Read(ref _lastHeard);

    /// <summary>True while the receive loop waits for room in the buffer: then it reads nothing, and silence is not the network's.</summary>
    public bool IsDelivering => _delivering;

    /// <summary>True once the keep-alive aborted the connection because a ping went unanswered.</summary>
    public bool TimedOut => _timedOut;

    /// <summary>The streams a <c>joined</c> put this connection on, until a <c>left</c> or an unsubscribe takes it off.</summary>
    public HashSet<string> Streams { get; } = new(StringComparer.Ordinal);

    /// <summary>The answers still to come, in the order the commands were sent; the server answers in that order.</summary>
    public List<PendingAnswer> Pending { get; } = [];

    /// <summary>The token the connection logged in with, or the last one it sent in a refresh; null without a provider.</summary>
    public string? Token
    {
        get => Volatile.Read(ref _token);
        set => Volatile.Write(ref _token, value);
    }

    /// <summary>Cancelled when the logged-in connection ends (or the subscriber is disposed): what a refresh runs under.</summary>
    public CancellationToken Ended { get; set; }

    /// <summary>The refresh running for the last <c>token_expiring</c>, or a completed task. Read and set by the receive loop only.</summary>
    public Task Refresh { get; set; } = Task.CompletedTask;

    /// <summary>When the last refresh was sent (a <see cref="TimeProvider"/> timestamp), or null. Used by one refresh at a time.</summary>
    public long? LastRefreshSent { get; set; }

    /// <summary>Why the last refresh did not happen or was refused, until a <c>refreshed</c> clears it; the Error of a 4011.</summary>
    public Exception? RefreshFailure
    {
        get => Volatile.Read(ref _refreshFailure);
        set => Volatile.Write(ref _refreshFailure, value);
    }

    /// <summary>True once <c>welcome</c> came: the login was accepted.</summary>
    public bool LoggedIn { get; set; }

    /// <summary>Runs <paramref name="delivery"/> (a write into the buffer) as time the keep-alive does not count as silence.</summary>
    public async Task DeliverAsync<T>(Func<T, CancellationToken, ValueTask> delivery, T item, CancellationToken cancellationToken)
    {
        _delivering = true;
        try
        {
            await delivery(item, cancellationToken);
        }
        finally
        {
            _delivering = false;
            Volatile.Write(ref _lastHeard, timeProvider.GetTimestamp());
        }
    }

    /// <summary>Ends a connection that stopped answering: the pending receive fails, and the subscriber reconnects.</summary>
    public void AbortUnanswered()
    {
        _timedOut = true;
        Socket.Abort();
    }

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
            Volatile.Write(ref _lastHeard, timeProvider.GetTimestamp());
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
