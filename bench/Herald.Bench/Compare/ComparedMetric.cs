using Herald.Bench.Scenarios;

namespace Herald.Bench.Compare;

/// <summary>Which way a metric improves.</summary>
internal enum Better
{
    Lower,
    Higher,
}

/// <summary>One figure <c>compare</c> sets side by side, read from a scenario's typed result; null when a server cannot give it.</summary>
internal sealed record ComparedMetric(string Name, Better Better, Func<object, double?> Read)
{
    /// <summary>The figures compared per scenario, in table order.</summary>
    public static IReadOnlyList<ComparedMetric> For(string scenario) => scenario switch
    {
        "idle" =>
        [
            Idle("server RSS per connection (KiB)", Better.Lower, static r => r.ServerRssPerConnectionBytes / 1024),
            Idle("server live heap per connection (KiB)", Better.Lower, static r => r.ServerLiveHeapPerConnectionBytes / 1024),
            Idle("server CPU per connect + login (µs)", Better.Lower, static r => r.ServerCpuMicrosecondsPerConnect),
            Idle("connects/s", Better.Higher, static r => r.ConnectsPerSecond),
            Idle("server idle CPU (% core)", Better.Lower, static r => r.Idle.ServerCpuPercentOfCore),
            Idle("connections lost", Better.Lower, static r => r.ConnectionsLost),
        ],
        "latency" =>
        [
            Latency("p50 (ms)", Better.Lower, static r => r.Latency?.P50Ms),
            Latency("p99 (ms)", Better.Lower, static r => r.Latency?.P99Ms),
            Latency("p99.9 (ms)", Better.Lower, static r => r.Latency?.P999Ms),
            Latency("max (ms)", Better.Lower, static r => r.Latency?.MaxMs),
            Latency("lost", Better.Lower, static r => r.Lost),
            Latency("duplicated", Better.Lower, static r => r.Duplicated),
            Latency("server CPU (% core)", Better.Lower, static r => r.Window.ServerCpuPercentOfCore),
            Latency("server GCs", Better.Lower, static r => r.Gc is { } gc ? gc.Gen0 + gc.Gen1 + gc.Gen2 : null),
            Latency("longest GC pause (ms)", Better.Lower, static r => r.Gc?.MaxPauseMs),
            Latency("GC pause total (ms)", Better.Lower, static r => r.Gc?.TotalPauseMs),
        ],
        "throughput" =>
        [
            Throughput("server CPU per message (µs)", Better.Lower, static r => r.ServerCpuMicrosecondsPerMessage),
            Throughput("delivered/s", Better.Higher, static r => r.DeliveredPerSecond),
            Throughput("p99 (ms)", Better.Lower, static r => r.Latency?.P99Ms),
            Throughput("lost", Better.Lower, static r => r.Lost),
            Throughput("server GCs", Better.Lower, static r => r.Gc is { } gc ? gc.Gen0 + gc.Gen1 + gc.Gen2 : null),
            Throughput("longest GC pause (ms)", Better.Lower, static r => r.Gc?.MaxPauseMs),
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, "compare has no metrics for it"),
    };

    private static ComparedMetric Idle(string name, Better better, Func<IdleResult, double?> read) => new(name, better, result => read((IdleResult)result));

    private static ComparedMetric Latency(string name, Better better, Func<LatencyResult, double?> read) => new(name, better, result => read((LatencyResult)result));

    private static ComparedMetric Throughput(string name, Better better, Func<ThroughputResult, double?> read) => new(name, better, result => read((ThroughputResult)result));
}
