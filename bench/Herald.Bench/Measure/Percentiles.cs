using Herald.Bench.Output;
using Herald.Bench.Platform;

namespace Herald.Bench.Measure;

/// <summary>Exact percentiles (nearest rank) of Stopwatch-tick samples, from the sorted samples themselves.</summary>
internal static class Percentiles
{
    /// <summary>Sorts <paramref name="ticks"/> in place and summarizes it in milliseconds; null when there are no samples.</summary>
    public static LatencySummary? Summarize(Span<long> ticks)
    {
        if (ticks.IsEmpty)
        {
            return null;
        }

        ticks.Sort();
        double sum = 0;
        foreach (var sample in ticks)
        {
            sum += sample;
        }

        return new LatencySummary(
            Samples: ticks.Length,
            MinMs: Milliseconds(ticks[0]),
            MeanMs: Round.To3(PreciseClock.ToMilliseconds((long)(sum / ticks.Length))),
            P50Ms: Milliseconds(At(ticks, 50)),
            P90Ms: Milliseconds(At(ticks, 90)),
            P99Ms: Milliseconds(At(ticks, 99)),
            P999Ms: Milliseconds(At(ticks, 99.9)),
            MaxMs: Milliseconds(ticks[^1]));
    }

    /// <summary>The nearest-rank percentile of sorted samples: the smallest sample at or above that share of them.</summary>
    private static long At(ReadOnlySpan<long> sorted, double percentile)
    {
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private static double Milliseconds(long ticks) => Round.To3(PreciseClock.ToMilliseconds(ticks));
}
