using System.Text.Json.Serialization;
using Herald.Bench.Output;

namespace Herald.Bench.Scenarios;

/// <summary>The fanout scenario's result. Counts cover the measured messages only, not the warm-up.</summary>
/// <param name="Run">What, where and when; the generator's total CPU.</param>
/// <param name="Target">Where each message was published: "broadcast" or "topic:NAME".</param>
/// <param name="Subscribers">Connections open (and, for a topic, subscribed) when publishing began.</param>
/// <param name="Rate">Messages scheduled per second.</param>
/// <param name="Seconds">The requested duration.</param>
/// <param name="Messages">Measured messages scheduled (Rate × Seconds).</param>
/// <param name="Warmup">Messages sent first at the same rate and left out of every figure but WarmupLost.</param>
/// <param name="PublishErrors">Publishes refused or unanswered.</param>
/// <param name="Queued">Sum of the "delivered" answers: copies the server queued.</param>
/// <param name="Expected">Accepted messages × Subscribers: copies a full fan-out would have queued.</param>
/// <param name="Delivered">Distinct (message, connection) copies received.</param>
/// <param name="Lost">Queued copies never received.</param>
/// <param name="Duplicated">Extra copies a connection received of a message it already had.</param>
/// <param name="Unrecognized">Frames that were not a measured bench message or an expected herald.v1 envelope.</param>
/// <param name="WarmupLost">Warm-up copies queued but never received.</param>
/// <param name="DeliveredPerSecond">Delivered / (last receipt - first scheduled send).</param>
/// <param name="DeliveriesPerServerCpuSecond">Delivered / server CPU over the window (with --server-pid).</param>
/// <param name="ServerCpuMicrosecondsPerDelivery">Server CPU over the window / Delivered (with --server-pid).</param>
/// <param name="GeneratorCpuMicrosecondsPerDelivery">Generator CPU over the window / Delivered.</param>
/// <param name="Latency">Scheduled send time to receipt, per copy; percentiles within 0.4 %.</param>
/// <param name="ScheduleLag">How late the generator issued each publish against its schedule: the measurement's own noise.</param>
/// <param name="Window">CPU from the first measured publish until the last copy arrived (or the drain timed out).</param>
/// <param name="Gc">The server's collections and pauses over the window; null when it is not .NET (or without --server-pid, or with --gc-events off).</param>
/// <param name="ServerCounters">How the server's counters moved over the measured phase.</param>
/// <param name="ConnectionsLost">Connections the server closed, or that failed, before the generator closed them.</param>
/// <param name="FirstLostReason">Why the first lost connection ended; null when none was lost.</param>
internal sealed record FanoutResult(
    RunInfo Run,
    string Target,
    int Subscribers,
    int Rate,
    int Seconds,
    int Messages,
    int Warmup,
    long PublishErrors,
    long Queued,
    long Expected,
    long Delivered,
    long Lost,
    long Duplicated,
    long Unrecognized,
    long WarmupLost,
    double DeliveredPerSecond,
    double? DeliveriesPerServerCpuSecond,
    double? ServerCpuMicrosecondsPerDelivery,
    double GeneratorCpuMicrosecondsPerDelivery,
    LatencySummary? Latency,
    LatencySummary? ScheduleLag,
    CpuFigures Window,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] GcFigures? Gc,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] ServerCounterDeltas? ServerCounters,
    int ConnectionsLost,
    string? FirstLostReason);
