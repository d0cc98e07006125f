using Herald.Routing;

namespace Herald.Connections;

/// <summary>
/// One timer for every connection's deadlines (login, keep-alive, close handshake), instead of a timer per
/// connection: an idle connection costs no timer, and a sweep of many thousands of connections takes
/// microseconds. Its period is a quarter of the shortest deadline, between 10 ms and 1 s.
/// </summary>
internal sealed class ConnectionSweeper(ConnectionRegistry registry, HeraldOptions options, TimeProvider timeProvider) : IDisposable
{
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
            foreach (var connection in registry.Connections)
            {
                connection.Sweep(now);
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private static TimeSpan ComputePeriod(HeraldOptions options)
    {
        var shortest = new[] { options.LoginTimeout, options.CloseTimeout, options.KeepAliveInterval, options.KeepAliveTimeout }
            .Where(deadline => deadline > TimeSpan.Zero)
            .Min();
        return TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 4, MinimumPeriod.Ticks, MaximumPeriod.Ticks));
    }
}
