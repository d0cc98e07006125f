using System.Numerics;
using Herald.Bench.Output;
using Herald.Bench.Platform;

namespace Herald.Bench.Measure;

/// <summary>
/// Latencies in Stopwatch ticks, counted in log-linear buckets: exact below 128 ticks, then 128 buckets per power
/// of two, so a percentile read back is within 0.4 % of the true sample (the minimum, maximum and mean are exact).
/// Fixed memory (58 KiB) whatever the count, for scenarios whose deliveries run into the millions; lock-free.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 7;
    private const int SubBuckets = 1 << SubBucketBits;

    private readonly long[] _counts = new long[(64 - SubBucketBits + 1) * SubBuckets];
    private long _total;
    private long _sum;
    private long _min = long.MaxValue;
    private long _max;

    public long Count => Interlocked.Read(ref _total);

    public void Record(long ticks)
    {
        ticks = Math.Max(0, ticks);
        Interlocked.Increment(ref _counts[Index(ticks)]);
        Interlocked.Increment(ref _total);
        Interlocked.Add(ref _sum, ticks);
        for (var max = Volatile.Read(ref _max); ticks > max; max = Volatile.Read(ref _max))
        {
            if (Interlocked.CompareExchange(ref _max, ticks, max) == max)
            {
                break;
            }
        }

        for (var min = Volatile.Read(ref _min); ticks < min; min = Volatile.Read(ref _min))
        {
            if (Interlocked.CompareExchange(ref _min, ticks, min) == min)
            {
                break;
            }
        }
    }

    /// <summary>The distribution in milliseconds, nearest-rank percentiles; null when nothing was recorded. Read it once recording has stopped.</summary>
    public LatencySummary? Summarize()
    {
        var total = Count;
        if (total == 0)
        {
            return null;
        }

        return new LatencySummary(
            Samples: (int)Math.Min(total, int.MaxValue),
            MinMs: Milliseconds(_min),
            MeanMs: Milliseconds(_sum / total),
            P50Ms: Milliseconds(At(50, total)),
            P90Ms: Milliseconds(At(90, total)),
            P99Ms: Milliseconds(At(99, total)),
            P999Ms: Milliseconds(At(99.9, total)),
            MaxMs: Milliseconds(_max));
    }

    private static int Index(long ticks)
    {
        if (ticks < SubBuckets)
        {
            return (int)ticks;
        }

        // 2^e <= ticks < 2^(e+1), e >= 7: bucket row e - 6, and the next 7 bits below the top one pick the column.
        var shift = (63 - BitOperations.LeadingZeroCount((ulong)ticks)) - SubBucketBits;
        return ((shift + 1) * SubBuckets) + (int)((ticks >> shift) & (SubBuckets - 1));
    }

    /// <summary>The middle of the bucket holding the sample of that rank, kept within the exact minimum and maximum.</summary>
    private long At(double percentile, long total)
    {
        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * total));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Clamp(Middle(i), _min, _max);
            }
        }

        return _max;
    }

    private static long Middle(int index)
    {
        if (index < SubBuckets)
        {
            return index;
        }

        var shift = (index / SubBuckets) - 1;
        var low = (long)(SubBuckets + (index % SubBuckets)) << shift;
        return low + ((1L << shift) / 2);
    }

    private static double Milliseconds(long ticks) => Round.To3(PreciseClock.ToMilliseconds(ticks));
}
