using System.Text.Json.Serialization;
using Herald.Bench.Output;

namespace Herald.Bench.Scenarios;

/// <summary>The churn scenario's result; server memory is null (and omitted) without --server-pid.</summary>
/// <param name="Run">What, where and when; the generator's total CPU.</param>
/// <param name="Concurrency">Loops or callers running at once.</param>
/// <param name="Seconds">The requested duration.</param>
/// <param name="Cycles">Completed cycles: connect, log in, receive a pushed message, clean close.</param>
/// <param name="CyclesPerSecond">Cycles / Seconds of wall time.</param>
/// <param name="Failures">Cycles that failed, by the stage they failed in.</param>
/// <param name="FirstFailure">The first failure's stage and error; null when none failed.</param>
/// <param name="LoginRetries">Extra /send calls because the login was not registered yet (the login gets no reply).</param>
/// <param name="Drained">The server's connections and users came back to their level before the run.</param>
/// <param name="DrainSeconds">How long that took after the last cycle.</param>
/// <param name="ReturnedToZero">Connections and users both read zero at the end.</param>
/// <param name="FinalConnections">The server's connections at the end.</param>
/// <param name="FinalUsers">The server's users at the end.</param>
/// <param name="FinalPendingLogins">The server's connections not logged in at the end.</param>
/// <param name="ServerRssStartBytes">Server RSS before the run.</param>
/// <param name="ServerRssEndBytes">Server RSS after it drained.</param>
/// <param name="Window">CPU over the cycling window.</param>
/// <param name="ServerCounters">How the server's counters moved over the run.</param>
/// <remarks>Against a server without stats, the drain check and the final counts cannot be read: they are null.</remarks>
internal sealed record ChurnResult(
    RunInfo Run,
    int Concurrency,
    int Seconds,
    long Cycles,
    double CyclesPerSecond,
    ChurnFailures Failures,
    string? FirstFailure,
    long LoginRetries,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool? Drained,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? DrainSeconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool? ReturnedToZero,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? FinalConnections,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? FinalUsers,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? FinalPendingLogins,
    long? ServerRssStartBytes,
    long? ServerRssEndBytes,
    CpuFigures Window,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] ServerCounterDeltas? ServerCounters);

/// <summary>Failed churn cycles by stage.</summary>
internal sealed record ChurnFailures(long Connect, long Publish, long Receive, long Close)
{
    public long Total => Connect + Publish + Receive + Close;
}
