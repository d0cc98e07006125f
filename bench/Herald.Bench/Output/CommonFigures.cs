namespace Herald.Bench.Output;

/// <summary>What every result carries about the run itself.</summary>
/// <param name="Scenario">The scenario's name.</param>
/// <param name="Url">The server's base address.</param>
/// <param name="StartedAt">When the scenario started (UTC).</param>
/// <param name="ProcessorCount">Cores this machine offers; the generator and the server share them.</param>
/// <param name="ServerPid">The server process measured, or null when no --server-pid was given (no server figures then).</param>
/// <param name="GeneratorTotalCpuSeconds">All CPU the generator process used, start-up and connecting included.</param>
internal sealed record RunInfo(
    string Scenario,
    string Url,
    DateTimeOffset StartedAt,
    int ProcessorCount,
    int? ServerPid,
    double GeneratorTotalCpuSeconds);

/// <summary>CPU over one measured window.</summary>
/// <param name="WallSeconds">The window's length.</param>
/// <param name="GeneratorCpuSeconds">User plus system CPU of the generator in the window.</param>
/// <param name="GeneratorCpuPercentOfCore">The same as a share of one core.</param>
/// <param name="ServerCpuSeconds">User plus system CPU of the server in the window (with --server-pid).</param>
/// <param name="ServerCpuPercentOfCore">The same as a share of one core.</param>
internal sealed record CpuFigures(
    double WallSeconds,
    double GeneratorCpuSeconds,
    double GeneratorCpuPercentOfCore,
    double? ServerCpuSeconds,
    double? ServerCpuPercentOfCore);

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

/// <summary>CPU per connection over a connect burst (upgrade and login), from /proc's utime and stime.</summary>
/// <param name="ServerMicroseconds">The server's user plus system CPU per connection.</param>
/// <param name="ServerUserMicroseconds">Its user-mode part: managed code, the runtime, the JIT.</param>
/// <param name="ServerSystemMicroseconds">Its kernel part: accept, the TCP handshake on loopback, epoll, the reads and writes.</param>
/// <param name="GeneratorMicroseconds">The generator's CPU per connection, user plus system.</param>
internal sealed record ConnectCost(
    double ServerMicroseconds,
    double ServerUserMicroseconds,
    double ServerSystemMicroseconds,
    double GeneratorMicroseconds);
