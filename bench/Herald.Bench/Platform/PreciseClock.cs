using System.Diagnostics;

namespace Herald.Bench.Platform;

/// <summary>
/// Waits until a Stopwatch timestamp with tens-of-microseconds precision: nanosleep for all but the last
/// stretch, then a short spin. Thread.Sleep and Task.Delay only know milliseconds, which would dominate a
/// loopback latency measured against the scheduled send time.
/// </summary>
internal static class PreciseClock
{
    // 20 µs: the wake-up jitter left once the calling thread's timer slack is cut to 1 ns (see UsePreciseSleeps).
    private static readonly long SpinTicks = Stopwatch.Frequency / 50_000;

    /// <summary>
    /// Cuts the calling thread's timer slack (50 µs by default) to 1 ns, so nanosleep wakes it on time and
    /// the final spin can be short: spinning would take a core from the server it shares the machine with.
    /// </summary>
    public static void UsePreciseSleeps() => LibC.ProcessControl(LibC.ProcessSetTimerSlack, 1, 0, 0, 0);

    /// <summary>Blocks the calling thread (a dedicated one: never a thread-pool thread) until <paramref name="timestamp"/>.</summary>
    public static void WaitUntil(long timestamp)
    {
        var spinner = default(SpinWait);
        while (true)
        {
            var remaining = timestamp - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            if (remaining > 2 * SpinTicks)
            {
                var nanoseconds = (long)((remaining - SpinTicks) * (1e9 / Stopwatch.Frequency));
                var request = new LibC.TimeSpec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
                LibC.NanoSleep(request, IntPtr.Zero);
            }
            else
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }
    }

    public static double ToMilliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public static double ToMicroseconds(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;

    public static double SecondsSince(long timestamp) => Stopwatch.GetElapsedTime(timestamp).TotalSeconds;
}
