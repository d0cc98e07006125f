using System.Diagnostics;

namespace Herald.Bench.Scenarios;

/// <summary>After publishing stops: waits for what is still in flight to arrive, without waiting forever for what never will.</summary>
internal static class Drain
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxStall = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Waits until <paramref name="received"/> reaches <paramref name="expected"/>, or no progress for two
    /// seconds, or ten seconds in all.
    /// </summary>
    public static async Task WaitAsync(Func<long> received, long expected, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var lastProgress = started;
        var last = received();
        while (last < expected && Stopwatch.GetElapsedTime(started) < MaxWait && Stopwatch.GetElapsedTime(lastProgress) < MaxStall)
        {
            await Task.Delay(PollInterval, cancellationToken);
            var now = received();
            if (now != last)
            {
                last = now;
                lastProgress = Stopwatch.GetTimestamp();
            }
        }
    }
}
