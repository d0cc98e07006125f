using System.Text.Json.Serialization;
using Herald.Bench.Output;

namespace Herald.Bench.Scenarios;

/// <summary>The idle scenario's result; server figures are null (and omitted) without --server-pid.</summary>
/// <param name="Run">What, where and when; the generator's total CPU.</param>
/// <param name="ConnectionsRequested">--connections, before any cap by the open-files limit.</param>
/// <param name="Connections">Connections that opened and logged in.</param>
/// <param name="Users">Their users: Connections / --tabs, rounded up.</param>
/// <param name="ConnectFailures">Connections that failed to open or log in.</param>
/// <param name="FirstConnectError">The first connect failure; null when none failed.</param>
/// <param name="ConnectSeconds">Wall time to open all connections.</param>
/// <param name="ConnectsPerSecond">Connections opened (upgrade plus login frame) per second of wall time.</param>
/// <param name="ConnectPhase">CPU from the first connect until the server fell quiet after the last login (at most 3 s later).</param>
/// <param name="ServerCpuMicrosecondsPerConnect">Server CPU over the connect phase / connections: one upgrade plus one login (with --server-pid).</param>
/// <param name="AllLoginsConfirmed">Every login was confirmed: the server's stats counted them all, or (without stats) each connection received a probe.</param>
/// <param name="ProbesSent">Sampled users pushed a probe message.</param>
/// <param name="ProbesReceived">Of the sampled users pushed a message through /send, how many received it.</param>
/// <param name="ServerRssBeforeBytes">Server RSS before connecting.</param>
/// <param name="ServerRssAfterBytes">Server RSS after the idle window.</param>
/// <param name="ServerRssPerConnectionBytes">(RSS after the idle window - RSS before connecting) / connections.</param>
/// <param name="ServerLiveHeapBytes">The server's live objects after a full collection it was made to run, the connections open (a .NET server; --live-heap).</param>
/// <param name="ServerLiveHeapAfterCloseBytes">The same once the connections closed and left the server.</param>
/// <param name="ServerLiveHeapPerConnectionBytes">(live heap with them - live heap after them) / connections: what a connection keeps alive.</param>
/// <param name="Idle">CPU over the idle window, all connections open and quiet.</param>
/// <param name="ConnectionsLost">Connections the server closed, or that failed, before the generator closed them.</param>
/// <param name="FirstLostReason">Why the first lost connection ended; null when none was lost.</param>
/// <param name="ClosedCleanly">Connections whose close handshake completed at the end.</param>
/// <param name="ServerReturnedToBaseline">The server's connection count came back to its level before the run; null for a server without stats.</param>
internal sealed record IdleResult(
    RunInfo Run,
    int ConnectionsRequested,
    int Connections,
    int Users,
    int ConnectFailures,
    string? FirstConnectError,
    double ConnectSeconds,
    double ConnectsPerSecond,
    CpuFigures ConnectPhase,
    double? ServerCpuMicrosecondsPerConnect,
    bool AllLoginsConfirmed,
    int ProbesSent,
    int ProbesReceived,
    long? ServerRssBeforeBytes,
    long? ServerRssAfterBytes,
    double? ServerRssPerConnectionBytes,
    long? ServerLiveHeapBytes,
    long? ServerLiveHeapAfterCloseBytes,
    double? ServerLiveHeapPerConnectionBytes,
    CpuFigures Idle,
    int ConnectionsLost,
    string? FirstLostReason,
    int ClosedCleanly,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool? ServerReturnedToBaseline);
