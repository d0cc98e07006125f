using Herald.Delivery;
using Herald.Protocol;
using Herald.Streams;
using Herald.WebSockets;

namespace Herald.Connections;

/// <summary>
/// One WebSocket tied (after login) to one user: a receive loop parsing client frames and a send loop draining
/// a bounded queue of prepared frames, like the seed's readPump and writePump. Herald speaks the protocol itself
/// over the transport's pipes. Every close, whoever starts it, runs through <see cref="RequestClose"/>: the queue
/// is completed and the send loop writes the Close frame after what it must still deliver. Deadlines (login,
/// keep-alive, close handshake) are checked by the shared <see cref="ConnectionSweeper"/>, not by timers per
/// connection.
/// </summary>
internal sealed partial class ClientConnection
{
    private static readonly OutboundFrame PingFrame = OutboundFrame.Control(ServerFrame.Create(WebSocketOpcode.Ping, []));
    private static long _lastId;

    private readonly IConnectionTransport _transport;
    private readonly ConnectionServices _services;
    private readonly FrameQueue _queue;
    private readonly long _openedAt;
    private long _lastSeen;
    private long _pingSentAt;
    private long _closeDeadline;
    private int _closeRequested;
    private int _aborted;
    private volatile bool _ended;
    private volatile bool _discardQueued;
    private int _closeCode;
    private string _closeDescription = string.Empty;
    private string? _endReason;

    public ClientConnection(IConnectionTransport transport, WireFlavour flavour, ConnectionServices services)
    {
        Id = Interlocked.Increment(ref _lastId);
        Flavour = flavour;
        _transport = transport;
        _services = services;
        _openedAt = _lastSeen = services.TimeProvider.GetTimestamp();
        _queue = new FrameQueue(services.Options.MaxQueuedMessages, services.Options.MaxQueuedBytes);
    }

    public long Id { get; }

    public string RemoteAddress => _transport.RemoteAddress;

    public WireFlavour Flavour { get; }

    /// <summary>The user this connection logged in as; null until then.</summary>
    public string? UserId { get; private set; }

    /// <summary>The connection's place on its user stream; null until login.</summary>
    public Subscription? UserSubscription { get; private set; }

    /// <summary>The connection's place on the broadcast stream; null until login.</summary>
    public Subscription? BroadcastSubscription { get; private set; }

    /// <summary>The topics the connection is on. Read only by the receive loop, and after both loops have ended.</summary>
    public IEnumerable<Subscription> TopicSubscriptions => _topics?.Values ?? Enumerable.Empty<Subscription>();

    private bool IsClosing => Volatile.Read(ref _closeRequested) != 0;

    /// <summary>Runs the connection until it has closed, then removes every trace of it.</summary>
    public async Task RunAsync()
    {
        var services = _services;
        services.Counters.ConnectionOpened();
        Log.ConnectionOpened(services.Logger, Id, RemoteAddress);
        if (!services.Registry.TryAdd(this))
        {
            RequestClose(WebSocketCloseCodes.GoingAway, "server shutting down", discardQueued: true);
        }

        try
        {
            await Task.WhenAll(ReceiveLoopAsync(), SendLoopAsync());
        }
        finally
        {
            // From here on the transport belongs to the server layer again: late sweeps and aborts leave it alone.
            _ended = true;
            ReleaseMessageBuffer();
            var dropped = DropQueued();
            Log.ConnectionClosed(
                services.Logger, Id, UserId ?? "-", RemoteAddress, _endReason ?? "closed",
                services.TimeProvider.GetElapsedTime(_openedAt).TotalSeconds, dropped);

            // Last, so that a connection counted as gone (stats, shutdown's wait) has said why it ended.
            services.Registry.Remove(this);
            await _transport.DisposeAsync();
        }
    }

    /// <summary>
    /// Queues a frame for the send loop without waiting. A full queue marks a slow consumer: it is disconnected
    /// and its queue dropped, so it never holds up the publisher or anyone else.
    /// </summary>
    /// <param name="frame">The frame to queue.</param>
    /// <param name="outsideBudget">True for a frame replayed from the history, which the budget does not count.</param>
    /// <returns>False when the connection is closing or was just cut off as a slow consumer.</returns>
    public bool TryEnqueue(OutboundFrame frame, bool outsideBudget = false)
    {
        switch (_queue.TryEnqueue(frame, outsideBudget))
        {
            case EnqueueOutcome.Queued:
                return true;
            case EnqueueOutcome.QueuedReplacing:
                _services.Counters.MessageConflated();
                return true;
            case EnqueueOutcome.OverBudget:
                OnSlowConsumer();
                return false;
            default:
                return false;
        }
    }

    /// <summary>
    /// Starts closing: nothing more is queued, the send loop delivers what is queued (unless told to drop it)
    /// and then sends the Close frame. The connection is aborted if that has not finished within
    /// <paramref name="abortAfter"/> (CloseTimeout by default; infinite when the caller enforces its own deadline).
    /// </summary>
    /// <returns>False when the connection was already closing.</returns>
    public bool RequestClose(int code, string description, bool discardQueued, TimeSpan? abortAfter = null)
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) != 0)
        {
            return false;
        }

        _closeCode = code;
        _closeDescription = description;
        _discardQueued = discardQueued;
        SetEndReason($"server closed ({code} {description})");
        var deadline = abortAfter ?? _services.Options.CloseTimeout;
        Volatile.Write(
            ref _closeDeadline,
            deadline == Timeout.InfiniteTimeSpan ? long.MaxValue : _services.TimeProvider.GetTimestamp() + ToTimestampTicks(deadline));
        _queue.Complete();
        return true;
    }

    /// <summary>Ends the connection at once, without a close handshake.</summary>
    public void Abort(string reason)
    {
        if (_ended)
        {
            return;
        }

        // The first abort explains the end; the errors it causes in the loops add nothing.
        if (Interlocked.Exchange(ref _aborted, 1) == 0
            && Interlocked.CompareExchange(ref _endReason, reason, null) is { } closing)
        {
            _endReason = $"{closing}, then aborted: {reason}";
        }

        _queue.Complete();
        _transport.Abort();
    }

    /// <summary>
    /// The shared sweeper's visit: enforces the login, close-handshake and keep-alive deadlines, and pings a
    /// client that has been silent for KeepAliveInterval if <paramref name="pings"/> allows; otherwise a later
    /// sweep does.
    /// </summary>
    public void Sweep(long now, ref PingBudget pings)
    {
        var options = _services.Options;
        if (_ended)
        {
            return;
        }

        if (IsClosing)
        {
            if (now >= Volatile.Read(ref _closeDeadline))
            {
                Abort("close handshake timed out");
            }

            return;
        }

        if (UserId is null && Elapsed(_openedAt, now) >= options.LoginTimeout)
        {
            if (RequestClose(HeraldCloseCodes.LoginTimeout, "login timeout", discardQueued: true))
            {
                Log.LoginTimedOut(_services.Logger, Id, RemoteAddress, options.LoginTimeout.TotalSeconds);
            }

            return;
        }

        if (options.KeepAliveInterval != TimeSpan.Zero)
        {
            SweepKeepAlive(now, options, ref pings);
        }
    }

    private void SweepKeepAlive(long now, HeraldOptions options, ref PingBudget pings)
    {
        var lastSeen = Volatile.Read(ref _lastSeen);
        if (_pingSentAt != 0 && lastSeen >= _pingSentAt)
        {
            _pingSentAt = 0;
        }

        if (_pingSentAt != 0)
        {
            if (options.KeepAliveTimeout != TimeSpan.Zero)
            {
                if (Elapsed(_pingSentAt, now) >= options.KeepAliveTimeout)
                {
                    Abort($"keep-alive timeout (no answer to a ping within {options.KeepAliveTimeout.TotalSeconds} s)");
                }

                return;
            }

            if (Elapsed(_pingSentAt, now) < options.KeepAliveInterval)
            {
                return;
            }
        }
        else if (Elapsed(lastSeen, now) < options.KeepAliveInterval)
        {
            return;
        }

        if (!pings.TryTake())
        {
            return;
        }

        _queue.SetControl(PingFrame);
        _pingSentAt = now;
    }

    private TimeSpan Elapsed(long start, long end) => _services.TimeProvider.GetElapsedTime(start, end);

    private long ToTimestampTicks(TimeSpan span) => (long)(span.TotalSeconds * _services.TimeProvider.TimestampFrequency);

    private void SetEndReason(string reason) => Interlocked.CompareExchange(ref _endReason, reason, null);

    private void OnSlowConsumer()
    {
        var (queuedMessages, queuedBytes) = (_queue.Count, _queue.Bytes);
        if (RequestClose(HeraldCloseCodes.SlowConsumer, "slow consumer", discardQueued: true))
        {
            _services.Counters.SlowConsumerDisconnected();
            Log.SlowConsumerDisconnected(_services.Logger, Id, UserId ?? "-", RemoteAddress, queuedMessages, queuedBytes);
        }
    }

    private void OnConnectionLost(Exception exception)
    {
        if (exception is IOException or ObjectDisposedException or OperationCanceledException)
        {
            Abort($"connection lost ({exception.GetType().Name}: {exception.Message})");
            return;
        }

        Log.ConnectionFailed(_services.Logger, exception, Id, UserId ?? "-", RemoteAddress);
        Abort($"internal error ({exception.GetType().Name})");
    }

    private int DropQueued()
    {
        var dropped = _queue.Clear();
        if (dropped > 0)
        {
            _services.Counters.AddDropped(dropped);
        }

        return dropped;
    }
}
