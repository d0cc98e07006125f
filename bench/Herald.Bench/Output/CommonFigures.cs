namespace Herald.Bench.Output;

/// <summary>What every result carries about the run itself.</summary>
/// <param name="Scenario">The scenario's name.</param>
/// <param name="Url">The server's base address.</param>
/// <param name="StartedAt">When the scenario started (UTC).</param>
/// <param name="ProcessorCount">Cores this machine offers; the generator and the server share them.</param>
/// <param name="ServerPid">The server process measured (with several, the first: the node that holds the connections), or null when no --server-pid was given (no server figures then).</param>
/// <param name="ServerHasStats">The server answers GET /api/v1/stats; without it, its counters are null and logins are confirmed by probes.</param>
/// <param name="GeneratorTotalCpuSeconds">All CPU the generator process used, start-up and connecting included.</param>
/// <param name="PublishUrl">Where the messages were published, with --publish-url; null (left out) when it is Url.</param>
/// <param name="ServerPids">Every process of --server-pid when it named more than one, the first being ServerPid; null (left out) with one.</param>
internal sealed record RunInfo(
    string Scenario,
    string Url,
    DateTimeOffset StartedAt,
    int ProcessorCount,
    int? ServerPid,
    bool ServerHasStats,
    double GeneratorTotalCpuSeconds,
    string? PublishUrl = null,
    int[]? ServerPids = null);

/// <summary>CPU over one measured window.</summary>
/// <param name="WallSeconds">The window's length.</param>
/// <param name="GeneratorCpuSeconds">User plus system CPU of the generator in the window.</param>
/// <param name="GeneratorCpuPercentOfCore">The same as a share of one core.</param>
/// <param name="ServerCpuSeconds">User plus system CPU of the server in the window (with --server-pid; with several processes, their sum).</param>
/// <param name="ServerCpuPercentOfCore">The same as a share of one core.</param>
/// <param name="ServerProcesses">Each process's part of ServerCpuSeconds, in --server-pid's order, when it named more than one; null (left out) with one.</param>
internal sealed record CpuFigures(
    double WallSeconds,
    double GeneratorCpuSeconds,
    double GeneratorCpuPercentOfCore,
    double? ServerCpuSeconds,
    double? ServerCpuPercentOfCore,
    IReadOnlyList<ProcessCpu>? ServerProcesses = null);

/// <summary>One server process's CPU over a window.</summary>
/// <param name="Pid">The process.</param>
/// <param name="CpuSeconds">Its user plus system CPU in the window.</param>
/// <param name="CpuPercentOfCore">The same as a share of one core.</param>
internal sealed record ProcessCpu(int Pid, double CpuSeconds, double CpuPercentOfCore);

/// <summary>A latency distribution, in milliseconds; percentiles are nearest-rank over every sample.</summary>
internal sealed record LatencySummary(
    int Samples,
    double MinMs,
    double MeanMs,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double P999Ms,
    double MaxMs);
