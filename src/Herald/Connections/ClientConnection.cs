using System.Net.WebSockets;
using Herald.Delivery;

namespace Herald.Connections;

/// <summary>
/// One WebSocket tied (after login) to one user: a receive loop for client messages and a send loop
/// draining a bounded queue of prepared frames, like the seed's readPump and writePump.
/// Every close, whoever starts it, runs through <see cref="RequestClose"/>: the queue is completed, the send
/// loop writes the Close frame after what it must still deliver, and a deadline aborts a peer that never answers.
/// </summary>
internal sealed partial class ClientConnection
{
    private static long _lastId;

    private readonly WebSocket _socket;
    private readonly ConnectionServices _services;
    private readonly FrameQueue _queue;
    private readonly long _openedAt;
    private int _closeRequested;
    private int _aborted;
    private volatile bool _discardQueued;
    private WebSocketCloseStatus _closeStatus;
    private string _closeDescription = string.Empty;
    private string? _endReason;
    private ITimer? _loginTimer;
    private ITimer? _closeTimer;

    public ClientConnection(WebSocket socket, string remoteAddress, ConnectionServices services)
    {
        Id = Interlocked.Increment(ref _lastId);
        RemoteAddress = remoteAddress;
        _socket = socket;
        _services = services;
        _openedAt = services.TimeProvider.GetTimestamp();
        _queue = new FrameQueue(services.Options.MaxQueuedMessages, services.Options.MaxQueuedBytes);
    }

    public long Id { get; }

    public string RemoteAddress { get; }

    /// <summary>The user this connection logged in as; null until then.</summary>
    public string? UserId { get; private set; }

    private bool IsClosing => Volatile.Read(ref _closeRequested) != 0;

    /// <summary>Runs the connection until it has closed, then removes every trace of it.</summary>
    public async Task RunAsync()
    {
        var services = _services;
        services.Counters.ConnectionOpened();
        Log.ConnectionOpened(services.Logger, Id, RemoteAddress);
        _loginTimer = services.TimeProvider.CreateTimer(
            static state => ((ClientConnection)state!).OnLoginDeadline(), this, services.Options.LoginTimeout, Timeout.InfiniteTimeSpan);

        if (!services.Registry.TryAdd(this))
        {
            RequestClose(WebSocketCloseStatus.EndpointUnavailable, "server shutting down", discardQueued: true);
        }

        try
        {
            await Task.WhenAll(ReceiveLoopAsync(), SendLoopAsync());
        }
        finally
        {
            Interlocked.Exchange(ref _loginTimer, null)?.Dispose();
            Interlocked.Exchange(ref _closeTimer, null)?.Dispose();
            services.Registry.Remove(this);
            var dropped = DropQueued();
            Log.ConnectionClosed(
                services.Logger, Id, UserId ?? "-", RemoteAddress, _endReason ?? "closed",
                services.TimeProvider.GetElapsedTime(_openedAt).TotalSeconds, dropped);
            _socket.Dispose();
        }
    }

    /// <summary>
    /// Queues a frame for the send loop without waiting. A full queue marks a slow consumer: it is disconnected
    /// and its queue dropped, so it never holds up the publisher or anyone else.
    /// </summary>
    /// <returns>False when the connection is closing or was just cut off as a slow consumer.</returns>
    public bool TryEnqueue(OutboundFrame frame)
    {
        var outcome = _queue.TryEnqueue(frame);
        if (outcome == EnqueueOutcome.OverBudget)
        {
            OnSlowConsumer();
        }

        return outcome == EnqueueOutcome.Queued;
    }

    /// <summary>
    /// Starts closing: nothing more is queued, the send loop delivers what is queued (unless told to drop it)
    /// and then sends the Close frame. The connection is aborted if that has not finished within
    /// <paramref name="abortAfter"/> (CloseTimeout by default; infinite when the caller enforces its own deadline).
    /// </summary>
    /// <returns>False when the connection was already closing.</returns>
    public bool RequestClose(WebSocketCloseStatus status, string description, bool discardQueued, TimeSpan? abortAfter = null)
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) != 0)
        {
            return false;
        }

        _closeStatus = status;
        _closeDescription = description;
        _discardQueued = discardQueued;
        SetEndReason($"server closed ({(int)status} {description})");
        Interlocked.Exchange(ref _loginTimer, null)?.Dispose();
        var deadline = abortAfter ?? _services.Options.CloseTimeout;
        if (deadline != Timeout.InfiniteTimeSpan)
        {
            _closeTimer = _services.TimeProvider.CreateTimer(
                static state => ((ClientConnection)state!).Abort("close handshake timed out"),
                this, deadline, Timeout.InfiniteTimeSpan);
        }

        _queue.Complete();
        return true;
    }

    /// <summary>Ends the connection at once, without a close handshake.</summary>
    public void Abort(string reason)
    {
        // The first abort explains the end; the socket errors it causes in the loops add nothing.
        if (Interlocked.Exchange(ref _aborted, 1) == 0
            && Interlocked.CompareExchange(ref _endReason, reason, null) is { } closing)
        {
            _endReason = $"{closing}, then aborted: {reason}";
        }

        _queue.Complete();
        _socket.Abort();
    }

    private void SetEndReason(string reason) => Interlocked.CompareExchange(ref _endReason, reason, null);

    private void OnLoginDeadline()
    {
        if (UserId is null && RequestClose((WebSocketCloseStatus)HeraldCloseCodes.LoginTimeout, "login timeout", discardQueued: true))
        {
            Log.LoginTimedOut(_services.Logger, Id, RemoteAddress, _services.Options.LoginTimeout.TotalSeconds);
        }
    }

    private void OnSlowConsumer()
    {
        var (queuedMessages, queuedBytes) = (_queue.Count, _queue.Bytes);
        if (RequestClose((WebSocketCloseStatus)HeraldCloseCodes.SlowConsumer, "slow consumer", discardQueued: true))
        {
            _services.Counters.SlowConsumerDisconnected();
            Log.SlowConsumerDisconnected(_services.Logger, Id, UserId ?? "-", RemoteAddress, queuedMessages, queuedBytes);
        }
    }

    private void OnConnectionLost(Exception exception)
    {
        if (IsExpectedConnectionFailure(exception))
        {
            Abort($"connection lost ({exception.GetType().Name}: {exception.Message})");
            return;
        }

        Log.ConnectionFailed(_services.Logger, exception, Id, UserId ?? "-", RemoteAddress);
        Abort($"internal error ({exception.GetType().Name})");
    }

    private static bool IsExpectedConnectionFailure(Exception exception) =>
        exception is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException;

    private int DropQueued()
    {
        var dropped = _queue.Clear();
        if (dropped > 0)
        {
            _services.Counters.MessageDropped(dropped);
        }

        return dropped;
    }
}
