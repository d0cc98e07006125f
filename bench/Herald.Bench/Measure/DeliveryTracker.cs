using System.Numerics;
using Herald.Bench.Net;

namespace Herald.Bench.Measure;

/// <summary>
/// Checks every received <see cref="BenchMessage"/> against what was sent: one bit per sequence number finds
/// duplicates and counts unique deliveries, the user index finds misdeliveries, and (optionally) the first
/// receipt of each message records its latency, exactly per message or into a <see cref="LatencyHistogram"/>.
/// Lock-free; no allocation per message.
/// </summary>
internal sealed class DeliveryTracker : IMessageSink
{
    private readonly int[] _seen;
    private readonly long[]? _latencyTicks;
    private readonly LatencyHistogram? _histogram;
    private long _duplicates;
    private long _misdelivered;
    private long _unrecognized;

    /// <param name="capacity">Sequence numbers tracked: [0, capacity).</param>
    /// <param name="recordLatency">Keep every message's latency (8 bytes per sequence number) for <see cref="CollectLatencies"/>.</param>
    /// <param name="histogram">Where to count each message's latency as well; null for nowhere.</param>
    public DeliveryTracker(long capacity, bool recordLatency, LatencyHistogram? histogram = null)
    {
        Capacity = capacity;
        _seen = new int[(capacity + 31) / 32];
        _latencyTicks = recordLatency ? new long[capacity] : null;
        _histogram = histogram;
    }

    /// <summary>Sequence numbers in [0, Capacity) are tracked.</summary>
    public long Capacity { get; }

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long Misdelivered => Interlocked.Read(ref _misdelivered);

    /// <summary>Messages that were not a bench message at all, or carried a sequence number out of range.</summary>
    public long Unrecognized => Interlocked.Read(ref _unrecognized);

    public void OnMessage(BenchConnection connection, ReadOnlySpan<byte> payload, long receivedAt)
    {
        if (!BenchMessage.TryParse(payload, out var user, out var seq, out var sentAt) || (ulong)seq >= (ulong)Capacity)
        {
            Interlocked.Increment(ref _unrecognized);
            return;
        }

        if (user != connection.Index)
        {
            Interlocked.Increment(ref _misdelivered);
        }

        var mask = 1 << (int)(seq & 31);
        if ((Interlocked.Or(ref _seen[seq >> 5], mask) & mask) != 0)
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }

        if (_latencyTicks is not null)
        {
            _latencyTicks[seq] = receivedAt - sentAt;
        }

        _histogram?.Record(receivedAt - sentAt);
    }

    public bool WasReceived(long seq) => (Volatile.Read(ref _seen[seq >> 5]) & (1 << (int)(seq & 31))) != 0;

    /// <summary>Distinct sequence numbers in [from, to) received at least once.</summary>
    public long CountReceived(long from, long to)
    {
        long count = 0;
        for (var seq = from; seq < to && (seq & 31) != 0; seq++)
        {
            count += WasReceived(seq) ? 1 : 0;
        }

        var word = (from + 31) / 32;
        for (; (word + 1) * 32 <= to; word++)
        {
            count += BitOperations.PopCount((uint)Volatile.Read(ref _seen[word]));
        }

        for (var seq = Math.Max(from, word * 32); seq < to; seq++)
        {
            count += WasReceived(seq) ? 1 : 0;
        }

        return count;
    }

    /// <summary>The latency of every received message in [from, to), in Stopwatch ticks.</summary>
    public long[] CollectLatencies(long from, long to)
    {
        if (_latencyTicks is null)
        {
            throw new InvalidOperationException("this tracker does not record latency");
        }

        var samples = new long[CountReceived(from, to)];
        var next = 0;
        for (var seq = from; seq < to && next < samples.Length; seq++)
        {
            if (WasReceived(seq))
            {
                samples[next++] = Volatile.Read(ref _latencyTicks[seq]);
            }
        }

        return samples;
    }
}
