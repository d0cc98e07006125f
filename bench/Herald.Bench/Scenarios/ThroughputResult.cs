using System.Text.Json.Serialization;
using Herald.Bench.Output;

namespace Herald.Bench.Scenarios;

/// <summary>The throughput scenario's result.</summary>
/// <param name="Run">What, where and when; the generator's total CPU.</param>
/// <param name="Mode">How messages were published: "send" or "batch".</param>
/// <param name="MessagesPerCall">Messages one HTTP request carried: 1 for send, the batch size for batch.</param>
/// <param name="Users">Connected users, one connection each.</param>
/// <param name="Concurrency">Loops or callers running at once.</param>
/// <param name="Seconds">The requested duration.</param>
/// <param name="Published">Messages the server accepted.</param>
/// <param name="PublishErrors">Publishes refused or unanswered.</param>
/// <param name="Queued">Sum of the "delivered" answers: copies the server queued.</param>
/// <param name="Delivered">Distinct messages received.</param>
/// <param name="Lost">Queued copies never received.</param>
/// <param name="Duplicated">Extra copies received of a message already received.</param>
/// <param name="Misdelivered">Messages received by a connection of another user.</param>
/// <param name="PublishSeconds">How long the callers published.</param>
/// <param name="PublishedPerSecond">Published / PublishSeconds.</param>
/// <param name="DeliveredPerSecond">Delivered / (last receipt - start).</param>
/// <param name="ServerCpuMicrosecondsPerMessage">Server CPU over the window / Delivered (with --server-pid).</param>
/// <param name="GeneratorCpuMicrosecondsPerMessage">Generator CPU over the window / Delivered.</param>
/// <param name="Latency">From the time a message's request went out to its receipt (each message carries that time); percentiles within 0.4 %.</param>
/// <param name="Window">CPU from the first publish until the last message arrived (or the drain timed out).</param>
/// <param name="Gc">The server's collections and pauses over the window; null when it is not .NET (or without --server-pid, or with --gc-events off).</param>
/// <param name="ServerCounters">How the server's counters moved over the run; null for a server without stats.</param>
/// <param name="ConnectionsLost">Connections the server closed, or that failed, before the generator closed them.</param>
/// <param name="FirstLostReason">Why the first lost connection ended; null when none was lost.</param>
internal sealed record ThroughputResult(
    RunInfo Run,
    string Mode,
    int MessagesPerCall,
    int Users,
    int Concurrency,
    int Seconds,
    long Published,
    long PublishErrors,
    long Queued,
    long Delivered,
    long Lost,
    long Duplicated,
    long Misdelivered,
    double PublishSeconds,
    double PublishedPerSecond,
    double DeliveredPerSecond,
    double? ServerCpuMicrosecondsPerMessage,
    double GeneratorCpuMicrosecondsPerMessage,
    LatencySummary? Latency,
    CpuFigures Window,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] GcFigures? Gc,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] ServerCounterDeltas? ServerCounters,
    int ConnectionsLost,
    string? FirstLostReason);
