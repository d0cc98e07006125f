using Herald.Routing;
using Microsoft.Extensions.Logging;

namespace Herald.Connections;

/// <summary>
/// One timer for every connection's deadlines (login, keep-alive, close handshake), instead of a timer per
/// connection: an idle connection costs no timer, and a sweep of many thousands of connections takes
/// microseconds. Its period is a quarter of the shortest deadline, between 10 ms and 1 s. Each sweep queues at
/// most twice its share of the pings due over a KeepAliveInterval (at least 64), so that connections that fell
/// silent together are pinged over several sweeps instead of in one burst ahead of the messages.
/// </summary>
internal sealed partial class ConnectionSweeper(ConnectionRegistry registry, HeraldOptions options, TimeProvider timeProvider, ILogger<ConnectionSweeper> logger) : IDisposable
{
    private const int MinimumPingsPerSweep = 64;

    private static readonly TimeSpan MinimumPeriod = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaximumPeriod = TimeSpan.FromSeconds(1);

    private ITimer? _timer;
    private int _sweeping;

    public TimeSpan Period { get; } = ComputePeriod(options);

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
            var pings = new PingBudget(PingsPerSweep(registry.ConnectionCount));
            foreach (var connection in registry.Connections)
            {
                connection.Sweep(now, ref pings);
            }

            if (pings.Deferred > 0)
            {
                LogPingsDeferred(logger, pings.Sent, pings.Deferred);
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private int PingsPerSweep(int connections) => options.KeepAliveInterval == TimeSpan.Zero
        ? 0
        : (int)Math.Max(MinimumPingsPerSweep, Math.Ceiling(2.0 * connections * Period.Ticks / options.KeepAliveInterval.Ticks));

    [LoggerMessage(Diagnostics.EventIds.KeepAlivePingsDeferred, LogLevel.Debug, "Keep-alive: {Sent} pings queued, {Deferred} more due were left to the next sweep", EventName = "KeepAlivePingsDeferred")]
    private static partial void LogPingsDeferred(ILogger logger, int sent, int deferred);

    private static TimeSpan ComputePeriod(HeraldOptions options)
    {
        var shortest = new[] { options.LoginTimeout, options.CloseTimeout, options.KeepAliveInterval, options.KeepAliveTimeout }
            .Where(deadline => deadline > TimeSpan.Zero)
            .Min();
        return TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 4, MinimumPeriod.Ticks, MaximumPeriod.Ticks));
    }
}
