using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Herald.Connections;

/// <summary>
/// The deadlines of the request heads the direct paths wait for, checked by one timer for all of them, as
/// Kestrel's heartbeat checks its own: a wait that runs past <c>RequestHeadersTimeout</c>, or that a shutdown asks
/// to end, gets its read cancelled (a pipe's pending read), or its socket closed (a socket not yet handed to Kestrel). Waiting allocates nothing per connection: a timed
/// <see cref="CancellationTokenSource"/> and a registration on Kestrel's close request cost a connection
/// 288 bytes of heap, half of them holes left once the head had arrived (docs/benchmarks.md, the engine layer).
/// </summary>
/// <remarks>
/// The waits sit in a ring in the order they began, which, with one timeout for all, is the order of their
/// deadlines. A wait that ends leaves its slot empty; the ring's start moves past empty slots, so it holds the
/// waits of at most one timeout's worth of connections and grows only when more than that are pending.
/// </remarks>
internal sealed class HeadDeadlines : IDisposable
{
    private static readonly TimeSpan MinimumPeriod = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaximumPeriod = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _timeout;
    private readonly long _timeoutTicks;
    private Wait[] _ring = new Wait[256];
    private long _oldest;
    private long _next;
    private ITimer? _timer;

    public HeadDeadlines(IOptions<KestrelServerOptions> kestrelOptions, TimeProvider timeProvider)
        : this(kestrelOptions.Value.Limits.RequestHeadersTimeout, timeProvider)
    {
    }

    /// <summary>Deadlines of another length than a head's: Kestrel's <c>KeepAliveTimeout</c> for the wait between two requests.</summary>
    public HeadDeadlines(TimeSpan timeout, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _timeout = timeout;
        _timeoutTicks = _timeout <= TimeSpan.Zero || _timeout >= TimeSpan.FromDays(1)
            ? long.MaxValue / 2
            : (long)(_timeout.TotalSeconds * timeProvider.TimestampFrequency);
    }

    /// <summary>How often the deadlines are checked: a quarter of the timeout, between 10 ms and 1 s (1 s without a timeout).</summary>
    public TimeSpan Period => _timeout <= TimeSpan.Zero
        ? MaximumPeriod
        : TimeSpan.FromTicks(Math.Clamp(_timeout.Ticks / 4, MinimumPeriod.Ticks, MaximumPeriod.Ticks));

    /// <summary>Starts the wait for a head on <paramref name="input"/>; pass its ticket to <see cref="End"/>.</summary>
    /// <param name="input">The connection's input, whose pending read is cancelled when the wait must end.</param>
    /// <param name="closeRequested">Kestrel's request to close the connection, the first step of its shutdown.</param>
    public long Start(PipeReader input, CancellationToken closeRequested) => Start((object)input, closeRequested);

    /// <summary>Starts the wait for a head on <paramref name="socket"/>, which is closed when the wait must end; pass its ticket to <see cref="End"/>.</summary>
    /// <param name="socket">The accepted socket, waiting for its first bytes.</param>
    /// <param name="closeRequested">The listener's end: the server stops accepting connections.</param>
    public long Start(Socket socket, CancellationToken closeRequested) => Start((object)socket, closeRequested);

    /// <summary>
    /// Waits for <paramref name="socket"/>'s next bytes within the deadline, or until <paramref name="closeRequested"/>;
    /// a wait that ends otherwise closes the socket.
    /// </summary>
    /// <returns>Whether bytes (or the client's end) came; if not, the socket has been closed.</returns>
    public async ValueTask<bool> WaitForBytesAsync(Socket socket, CancellationToken closeRequested)
    {
        var wait = Start(socket, closeRequested);
        try
        {
            // Ended by the deadline closing the socket, not by a token, which would cost a registration per wait.
            await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, CancellationToken.None);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            End(wait);
            SocketClose.Gracefully(socket);
            return false;
        }

        if (End(wait) != HeadWaitEnd.NotCancelled)
        {
            SocketClose.Gracefully(socket);
            return false;
        }

        return true;
    }

    /// <summary>Ends the wait of <paramref name="ticket"/>.</summary>
    /// <returns>Why its read was cancelled, or <see cref="HeadWaitEnd.NotCancelled"/> when it was not.</returns>
    public HeadWaitEnd End(long ticket)
    {
        lock (_gate)
        {
            ref var wait = ref _ring[Slot(ticket)];
            var end = wait.End;
            wait = default;
            while (_oldest < _next && _ring[Slot(_oldest)].Target is null)
            {
                _oldest++;
            }

            return end;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _timer?.Dispose();
        }
    }

    private long Start(object target, CancellationToken closeRequested)
    {
        var deadline = _timeProvider.GetTimestamp() + _timeoutTicks;
        lock (_gate)
        {
            _timer ??= _timeProvider.CreateTimer(static state => ((HeadDeadlines)state!).Sweep(), this, Period, Period);
            if (_next - _oldest == _ring.Length)
            {
                Grow();
            }

            var ticket = _next++;
            _ring[Slot(ticket)] = new Wait(target, deadline, closeRequested);
            return ticket;
        }
    }

    private void Sweep()
    {
        var now = _timeProvider.GetTimestamp();
        List<Socket>? toClose = null;
        lock (_gate)
        {
            for (var ticket = _oldest; ticket < _next; ticket++)
            {
                ref var wait = ref _ring[Slot(ticket)];
                if (wait.Target is null || wait.End != HeadWaitEnd.NotCancelled)
                {
                    continue;
                }

                wait.End = now >= wait.Deadline ? HeadWaitEnd.TimedOut
                    : wait.CloseRequested.IsCancellationRequested ? HeadWaitEnd.CloseRequested
                    : HeadWaitEnd.NotCancelled;
                if (wait.End == HeadWaitEnd.NotCancelled)
                {
                    continue;
                }

                // Kestrel's input pipe resumes its reader on the thread pool, so nothing runs inside the lock; a
                // socket's receive may resume on the closing thread, so sockets are closed after the lock.
                if (wait.Target is PipeReader input)
                {
                    input.CancelPendingRead();
                }
                else
                {
                    (toClose ??= []).Add((Socket)wait.Target);
                }
            }
        }

        foreach (var socket in toClose ?? [])
        {
            SocketClose.Gracefully(socket);
        }
    }

    private void Grow()
    {
        var grown = new Wait[_ring.Length * 2];
        for (var ticket = _oldest; ticket < _next; ticket++)
        {
            grown[ticket & (grown.Length - 1)] = _ring[Slot(ticket)];
        }

        _ring = grown;
    }

    private int Slot(long ticket) => (int)(ticket & (_ring.Length - 1));

    /// <summary>One pending head: the pipe whose read, or the socket whose wait, its deadline ends.</summary>
    private struct Wait(object target, long deadline, CancellationToken closeRequested)
    {
        public readonly object? Target = target;
        public readonly CancellationToken CloseRequested = closeRequested;
        public readonly long Deadline = deadline;
        public HeadWaitEnd End;
    }
}

/// <summary>Why <see cref="HeadDeadlines"/> cancelled a head's read.</summary>
internal enum HeadWaitEnd
{
    /// <summary>It did not: the head arrived, or the read ended otherwise.</summary>
    NotCancelled,

    /// <summary>The head did not arrive within Kestrel's <c>RequestHeadersTimeout</c>.</summary>
    TimedOut,

    /// <summary>Kestrel asked the connection to close: the server is shutting down.</summary>
    CloseRequested,
}
