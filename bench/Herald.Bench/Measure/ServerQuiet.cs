using System.Diagnostics;
using Herald.Bench.Platform;

namespace Herald.Bench.Measure;

/// <summary>
/// Waits until the server's CPU (with several processes, their sum) falls quiet: a burst of work sent to it (the last logins of a connect phase) is
/// done when a short interval passes in which it used almost nothing. The same rule for every server, so that a
/// phase's CPU figure does not depend on how a server lets the generator know it is done.
/// </summary>
internal static class ServerQuiet
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(3);

    /// <summary>Below this share of a core over one interval, the server counts as quiet (its keep-alive timers stay well under it).</summary>
    private const double QuietShareOfCore = 0.05;

    /// <returns>How long it waited, in seconds; 0 without a server to watch.</returns>
    public static async Task<double> WaitAsync(ServerProcesses? server, CancellationToken cancellationToken)
    {
        if (server is null)
        {
            return 0;
        }

        var started = Stopwatch.GetTimestamp();
        var last = server.ReadCpuTime();
        while (Stopwatch.GetElapsedTime(started) < MaxWait)
        {
            await Task.Delay(Interval, cancellationToken);
            var now = server.ReadCpuTime();
            if ((now - last).TotalSeconds < QuietShareOfCore * Interval.TotalSeconds)
            {
                break;
            }

            last = now;
        }

        return PreciseClock.SecondsSince(started);
    }
}
