using System.Text.Json.Serialization;
using Herald.Bench.Output;

namespace Herald.Bench.Scenarios;

/// <summary>The latency scenario's result. Counts cover the measured messages only, not the warm-up.</summary>
/// <param name="Run">What, where and when; the generator's total CPU.</param>
/// <param name="Users">Connected users, one connection each.</param>
/// <param name="Rate">Messages scheduled per second.</param>
/// <param name="Messages">Measured messages scheduled (after the warm-up).</param>
/// <param name="Warmup">Messages sent first at the same rate and left out of every figure but WarmupLost.</param>
/// <param name="PublishErrors">Publishes refused or unanswered.</param>
/// <param name="NotQueued">Publishes the server answered with delivered = 0 (no connection for that user).</param>
/// <param name="Delivered">Distinct measured messages received.</param>
/// <param name="Lost">Accepted publishes never received.</param>
/// <param name="Duplicated">Extra copies received of a message already received.</param>
/// <param name="Misdelivered">Messages received by a connection of another user.</param>
/// <param name="WarmupLost">Warm-up messages accepted but never received.</param>
/// <param name="Latency">Scheduled send time to receive time: includes any lag of the generator behind its schedule.</param>
/// <param name="ScheduleLag">How late the generator issued each publish against its schedule: the measurement's own noise.</param>
/// <param name="Window">CPU from the first measured publish until the last message arrived (or the drain timed out); the warm-up is outside it.</param>
/// <param name="Gc">The server's collections and pauses over the window; null when it is not .NET (or without --server-pid, or with --gc-events off).</param>
/// <param name="ServerCounters">How the server's counters moved over the measured phase; null for a server without stats.</param>
/// <param name="ConnectionsLost">Connections the server closed, or that failed, before the generator closed them.</param>
/// <param name="FirstLostReason">Why the first lost connection ended; null when none was lost.</param>
internal sealed record LatencyResult(
    RunInfo Run,
    int Users,
    int Rate,
    int Messages,
    int Warmup,
    long PublishErrors,
    long NotQueued,
    long Delivered,
    long Lost,
    long Duplicated,
    long Misdelivered,
    long WarmupLost,
    LatencySummary? Latency,
    LatencySummary? ScheduleLag,
    CpuFigures Window,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] GcFigures? Gc,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] ServerCounterDeltas? ServerCounters,
    int ConnectionsLost,
    string? FirstLostReason);
