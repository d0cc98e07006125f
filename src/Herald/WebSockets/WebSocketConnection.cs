using System.Net;
using Herald.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Herald.WebSockets;

/// <summary>
/// One RFC 6455 connection after its handshake: a receive loop that reads frames, joins fragments, checks UTF-8
/// as it arrives and answers control frames, and a send loop that drains a bounded queue of prepared frames, like
/// the seed's readPump and writePump. Whole messages go to an <see cref="IWebSocketSession"/>; the engine knows
/// nothing of users, streams or flavours. Every close, whoever starts it, runs through <see cref="RequestClose"/>:
/// the queue is completed, the send loop writes the Close frame after what it must still deliver, and the receive
/// loop reads on until the client's Close (or, once the client broke the protocol, throws its bytes away) so that
/// the Close frame is read before the socket goes. Deadlines (the session's, keep-alive, the close) are checked by
/// the shared <see cref="ConnectionSweeper"/>, not by timers per connection.
/// </summary>
internal sealed partial class WebSocketConnection
{
    private static readonly OutboundFrame PingFrame = OutboundFrame.Control(ServerFrame.Create(WebSocketOpcode.Ping, []));
    private static long _lastId;

    private readonly IWebSocketTransport _transport;
    private readonly WebSocketServices _services;
    private readonly FrameQueue _queue;
    private readonly long _openedAt;
    private IWebSocketSession? _session;
    private long _lastSeen;
    private long _pingSentAt;
    private long _closeDeadline;
    private int _closeRequested;
    private int _aborted;
    private int _loopsRunning;
    private long _sessionDeadline = long.MaxValue;
    private volatile bool _ended;
    private volatile bool _discardQueued;
    private int _closeCode;
    private string _closeDescription = string.Empty;
    private string? _endReason;

    // A ConnectionEnd, set with the first end reason; NoEnd until then.
    private const int NoEnd = -1;
    private int _end = NoEnd;

    /// <param name="transport">The accepted connection's byte streams.</param>
    /// <param name="services">What the server's connections share: limits, counters, clock, log and lifetime.</param>
    public WebSocketConnection(IWebSocketTransport transport, WebSocketServices services)
    {
        Id = Interlocked.Increment(ref _lastId);
        _transport = transport;
        _services = services;
        _openedAt = _lastSeen = services.TimeProvider.GetTimestamp();
        _queue = new FrameQueue(services.Limits.MaxQueuedMessages, services.Limits.MaxQueuedBytes);
    }

    public long Id { get; }

    /// <summary>The connection's slot in the <see cref="WebSocketConnectionSet"/> while it is in the set; -1 when not.</summary>
    internal int SlotInSet { get; set; } = -1;

    public string RemoteAddress => _transport.RemoteAddress;

    /// <summary>The client's IP address as the accepting layer resolved it; null when the transport has none.</summary>
    public IPAddress? ClientAddress => _transport.ClientAddress;

    /// <summary>Whether the connection came over TLS (<c>wss://</c>).</summary>
    public bool IsTls => _transport.IsTls;

    /// <summary>The session <see cref="RunAsync"/> runs; null before.</summary>
    public IWebSocketSession? Session => _session;

    /// <summary>True once a close was requested, by either side: nothing more can be queued.</summary>
    public bool IsClosing => Volatile.Read(ref _closeRequested) != 0;

    /// <summary>
    /// When the connection opened, in UTC: worked out from the monotonic timestamp it keeps rather than stored,
    /// since an idle connection pays for every field.
    /// </summary>
    public DateTimeOffset OpenedAt => _services.TimeProvider.GetUtcNow() - _services.TimeProvider.GetElapsedTime(_openedAt);

    /// <summary>Frames waiting that count against the queue's budget.</summary>
    public int QueuedMessages => _queue.Count;

    /// <summary>Bytes waiting that count against the queue's budget.</summary>
    public int QueuedBytes => _queue.Bytes;

    private string Identity => _session?.Identity is { } identity ? LogText.Escape(identity)! : "-";

    /// <summary>
    /// Runs the connection with <paramref name="session"/>: the returned task completes once both loops have ended,
    /// the end is logged, the lifetime told and the transport released. Not an async method itself: whichever loop
    /// ends last finishes the connection, and the task returned is the send loop's, which waits for the receive
    /// loop before it completes, so an open connection holds its two loops' state and nothing more (no promise
    /// joining the two).
    /// </summary>
    public Task RunAsync(IWebSocketSession session)
    {
        _session = session;
        if (_services.Limits.SessionTimeout > TimeSpan.Zero)
        {
            _sessionDeadline = _openedAt + ToTimestampTicks(_services.Limits.SessionTimeout);
        }

        _services.Counters.ConnectionOpened();
        // Asked first: the address is formatted (a string each time) and the TLS feature looked up only for a line that is written.
        if (_services.Logger.IsEnabled(LogLevel.Debug))
        {
            Log.ConnectionOpened(_services.Logger, Id, RemoteAddress, IsTls ? "wss" : "ws");
        }

        _loopsRunning = 2;
        return SendLoopAsync(ReceiveLoopAsync(session));
    }

    /// <summary>The session is established (Herald: logged in): its deadline no longer applies, and the lifetime is told. Call it once.</summary>
    public void SessionEstablished()
    {
        Volatile.Write(ref _sessionDeadline, long.MaxValue);
        _services.Lifetime?.OnEstablished(this);
    }

    /// <summary>
    /// Sets the session's next deadline (Herald: a token's expiry, or the notice before it), replacing the one in
    /// force: the session is told once <paramref name="after"/> has passed, unless it sets another first.
    /// </summary>
    public void SetSessionDeadline(TimeSpan after)
    {
        var ticks = after <= TimeSpan.Zero ? 0 : ToTimestampTicks(after);
        Volatile.Write(ref _sessionDeadline, _services.TimeProvider.GetTimestamp() + ticks);
    }

    /// <summary>
    /// Queues a frame for the send loop without waiting; never blocks. A frame with a conflation key replaces a
    /// queued one with the same key.
    /// </summary>
    /// <param name="frame">The frame to queue.</param>
    /// <param name="outsideBudget">True for a frame the budget does not count (one replayed from a history).</param>
    /// <param name="burst">
    /// The fan-out this frame is part of, which may take over writing it when nothing is queued and the send loop
    /// waits (<see cref="SendBurst"/>): written at once on the caller's thread for a message to a few connections,
    /// or by one of the burst's chunks for a message to many. Null to leave it to the send loop.
    /// </param>
    /// <returns>
    /// <see cref="EnqueueOutcome.OverBudget"/> when the queue is full: from then on it hands out nothing more, and
    /// the caller decides how to close the connection.
    /// </returns>
    public EnqueueOutcome TryEnqueue(OutboundFrame frame, bool outsideBudget = false, SendBurst? burst = null)
    {
        EnqueueOutcome outcome;
        if (burst is null || outsideBudget)
        {
            outcome = _queue.TryEnqueue(frame, outsideBudget);
        }
        else if (burst.WritesOnCallerThread)
        {
            if (_queue.TryBeginWriteNow())
            {
                WriteNow(frame);
                return EnqueueOutcome.Queued;
            }

            outcome = _queue.TryEnqueue(frame);
        }
        else
        {
            outcome = _queue.TryEnqueue(frame, outsideBudget: false, claimWriter: true, out var claimed);
            if (claimed)
            {
                burst.Add(this);
            }
        }

        if (outcome == EnqueueOutcome.QueuedReplacing)
        {
            _services.Counters.MessageConflated();
        }

        return outcome;
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
        SetEndReason(ConnectionEnd.ServerClosed, $"server closed ({code} {description})");
        var deadline = abortAfter ?? _services.Limits.CloseTimeout;
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
        Interlocked.CompareExchange(ref _end, (int)ConnectionEnd.Lost, NoEnd);
        if (Interlocked.Exchange(ref _aborted, 1) == 0
            && Interlocked.CompareExchange(ref _endReason, reason, null) is { } closing)
        {
            _endReason = $"{closing}, then aborted: {reason}";
        }

        _queue.Complete();
        _transport.Abort();
    }

    /// <summary>
    /// The shared sweeper's visit: enforces the session's deadline, the close-handshake and keep-alive deadlines, and pings a
    /// client that has been silent for KeepAliveInterval if <paramref name="pings"/> allows; otherwise a later
    /// sweep does.
    /// </summary>
    public void Sweep(long now, ref PingBudget pings)
    {
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

        var sessionDeadline = Volatile.Read(ref _sessionDeadline);
        if (now >= sessionDeadline && Interlocked.CompareExchange(ref _sessionDeadline, long.MaxValue, sessionDeadline) == sessionDeadline)
        {
            // Told once per deadline: the session closes the connection, sets a later deadline, or has none.
            _session?.OnSessionDeadline();
            return;
        }

        if (_services.Limits.KeepAliveInterval != TimeSpan.Zero)
        {
            SweepKeepAlive(now, ref pings);
        }
    }

    private void SweepKeepAlive(long now, ref PingBudget pings)
    {
        var lastSeen = Volatile.Read(ref _lastSeen);
        if (_pingSentAt != 0 && lastSeen >= _pingSentAt)
        {
            _pingSentAt = 0;
        }

        if (_pingSentAt != 0)
        {
            if (_services.Limits.KeepAliveTimeout != TimeSpan.Zero)
            {
                if (Elapsed(_pingSentAt, now) >= _services.Limits.KeepAliveTimeout)
                {
                    Abort($"keep-alive timeout (no answer to a ping within {_services.Limits.KeepAliveTimeout.TotalSeconds} s)");
                }

                return;
            }

            if (Elapsed(_pingSentAt, now) < _services.Limits.KeepAliveInterval)
            {
                return;
            }
        }
        else if (Elapsed(lastSeen, now) < _services.Limits.KeepAliveInterval)
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

    /// <summary>Called by each loop as it ends; the last one finishes the connection.</summary>
    private ValueTask LoopEndedAsync()
    {
        if (Interlocked.Decrement(ref _loopsRunning) != 0)
        {
            return ValueTask.CompletedTask;
        }

        // From here on the transport belongs to the server layer again: late sweeps and aborts leave it alone.
        _ended = true;
        ReleaseMessageBuffer();
        var dropped = DropQueued();
        _session!.OnEnded();
        if (_services.Logger.IsEnabled(LogLevel.Information))
        {
            Log.ConnectionClosed(
                _services.Logger, Id, Identity, RemoteAddress, LogText.Escape(_endReason ?? "closed"),
                _services.TimeProvider.GetElapsedTime(_openedAt).TotalSeconds, dropped);
        }

        var end = _end == NoEnd ? ConnectionEnd.Lost : (ConnectionEnd)_end;
        _services.Counters.ConnectionEnded(end, end == ConnectionEnd.ServerClosed ? _closeCode : 0);

        // After the log line, so that a connection counted as gone (stats, shutdown's wait) has said why it ended.
        _services.Lifetime?.OnEnded(this);
        return _transport.DisposeAsync();
    }

    private TimeSpan Elapsed(long start, long end) => _services.TimeProvider.GetElapsedTime(start, end);

    private long ToTimestampTicks(TimeSpan span) => (long)(span.TotalSeconds * _services.TimeProvider.TimestampFrequency);

    private void SetEndReason(ConnectionEnd end, string reason)
    {
        Interlocked.CompareExchange(ref _end, (int)end, NoEnd);
        Interlocked.CompareExchange(ref _endReason, reason, null);
    }

    private void OnConnectionLost(Exception exception)
    {
        if (exception is IOException or ObjectDisposedException or OperationCanceledException)
        {
            Abort($"connection lost ({exception.GetType().Name}: {exception.Message})");
            return;
        }

        Log.ConnectionFailed(_services.Logger, exception, Id, Identity, RemoteAddress);
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
