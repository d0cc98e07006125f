using Herald.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Herald.WebSockets;

/// <summary>
/// One timer for every connection's deadlines (the session's, keep-alive, close handshake), instead of a timer per
/// connection: an idle connection costs no timer, and a sweep of many thousands of connections takes
/// microseconds. Its period is a quarter of the shortest deadline, between 10 ms and 1 s. Each sweep queues at
/// most twice its share of the pings due over a KeepAliveInterval (at least 64), so that connections that fell
/// silent together are pinged over several sweeps instead of in one burst ahead of the messages.
/// </summary>
internal sealed partial class ConnectionSweeper(WebSocketConnectionSet connections, WebSocketLimits limits, TimeProvider timeProvider, ILoggerFactory loggerFactory) : IDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger(LogCategories.KeepAlive);

    private const int MinimumPingsPerSweep = 64;

    private static readonly TimeSpan MinimumPeriod = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaximumPeriod = TimeSpan.FromSeconds(1);

    private ITimer? _timer;
    private int _sweeping;

    public TimeSpan Period { get; } = ComputePeriod(limits);

    public void Start() =>
        _timer ??= timeProvider.CreateTimer(static state => ((ConnectionSweeper)state!).Sweep(), this, Period, Period);

    public void Dispose() => _timer?.Dispose();

    private void Sweep()
    {
        // A tick that comes while the last sweep still runs is skipped: one sweeper at a time touches a connection.
        if (Interlocked.Exchange(ref _sweeping, 1) != 0)
        {
            return;
        }

        try
        {
            var now = timeProvider.GetTimestamp();
            var pings = new PingBudget(PingsPerSweep(connections.Count));
            foreach (var connection in connections.Connections)
            {
                connection.Sweep(now, ref pings);
            }

            if (pings.Deferred > 0)
            {
                LogPingsDeferred(_logger, pings.Sent, pings.Deferred);
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private int PingsPerSweep(int connections) => limits.KeepAliveInterval == TimeSpan.Zero
        ? 0
        : (int)Math.Max(MinimumPingsPerSweep, Math.Ceiling(2.0 * connections * Period.Ticks / limits.KeepAliveInterval.Ticks));

    [LoggerMessage(Diagnostics.EventIds.KeepAlivePingsDeferred, LogLevel.Debug, "Keep-alive: {Sent} pings queued, {Deferred} more due were left to the next sweep", EventName = "KeepAlivePingsDeferred")]
    private static partial void LogPingsDeferred(ILogger logger, int sent, int deferred);

    private static TimeSpan ComputePeriod(WebSocketLimits limits) => limits.ShortestDeadline is var shortest && shortest > TimeSpan.Zero
        ? TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 4, MinimumPeriod.Ticks, MaximumPeriod.Ticks))
        : MaximumPeriod;
}
