using System.Diagnostics.Metrics;

namespace Herald.WebSockets;

/// <summary>
/// The <c>herald.messages.delivery_latency</c> histogram: from a publish accepted to its frame written to one
/// connection, once per copy. Recorded only while a listener (an exporter) enables it; the send paths then read the
/// clock once per batch of frames, not per frame.
/// </summary>
internal sealed class DeliveryLatency
{
    // From half a millisecond (a write on the publisher's thread) to ten seconds (a slow consumer's backlog).
    private static readonly double[] Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Histogram<double> _histogram;
    private readonly TimeProvider _timeProvider;

    public DeliveryLatency(IMeterFactory meterFactory, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _histogram = meterFactory.Create(HeraldMeter.Name).CreateHistogram(
            "herald.messages.delivery_latency",
            "s",
            "Time from a publish accepted to a copy's frame written to its connection, live copies only.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });
    }

    /// <summary>The clock now, when anyone listens; 0 when nothing records (and the caller skips its frames).</summary>
    public long Now() => _histogram.Enabled ? _timeProvider.GetTimestamp() : 0;

    /// <param name="acceptedAt">When the frame's message was accepted (0 for a replayed message: not recorded).</param>
    /// <param name="now">What <see cref="Now"/> returned for this batch (0: not recorded).</param>
    public void Record(long acceptedAt, long now)
    {
        if (acceptedAt != 0 && now != 0)
        {
            _histogram.Record(_timeProvider.GetElapsedTime(acceptedAt, now).TotalSeconds);
        }
    }
}
