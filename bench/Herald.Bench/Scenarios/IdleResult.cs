using Herald.Bench.Output;

namespace Herald.Bench.Scenarios;

/// <summary>The idle scenario's result; server figures are null (and omitted) without --server-pid.</summary>
/// <param name="Run">What, where and when; the generator's total CPU.</param>
/// <param name="ConnectionsRequested">--connections, before any cap by the open-files limit.</param>
/// <param name="Connections">Connections that opened and logged in.</param>
/// <param name="ConnectFailures">Connections that failed to open or log in.</param>
/// <param name="FirstConnectError">The first connect failure; null when none failed.</param>
/// <param name="ConnectSeconds">Wall time to open all connections.</param>
/// <param name="ConnectsPerSecond">Connections opened (upgrade plus login frame) per second of wall time.</param>
/// <param name="Connect">The server's CPU per connection over the connect burst (until the stats count every login); null without --server-pid.</param>
/// <param name="AllCountedAsUsers">The server's stats reached the expected user count.</param>
/// <param name="ProbesSent">Sampled users pushed a probe message.</param>
/// <param name="ProbesReceived">Of the sampled users pushed a message through /send, how many received it.</param>
/// <param name="ServerRssBeforeBytes">Server RSS before connecting.</param>
/// <param name="ServerRssAfterBytes">Server RSS after the idle window.</param>
/// <param name="ServerRssPerConnectionBytes">(RSS after the idle window - RSS before connecting) / connections.</param>
/// <param name="Idle">CPU over the idle window, all connections open and quiet.</param>
/// <param name="ConnectionsLost">Connections the server closed, or that failed, before the generator closed them.</param>
/// <param name="FirstLostReason">Why the first lost connection ended; null when none was lost.</param>
/// <param name="ClosedCleanly">Connections whose close handshake completed at the end.</param>
/// <param name="ServerReturnedToBaseline">The server's connection count came back to its level before the run.</param>
internal sealed record IdleResult(
    RunInfo Run,
    int ConnectionsRequested,
    int Connections,
    int ConnectFailures,
    string? FirstConnectError,
    double ConnectSeconds,
    double ConnectsPerSecond,
    ConnectCost? Connect,
    bool AllCountedAsUsers,
    int ProbesSent,
    int ProbesReceived,
    long? ServerRssBeforeBytes,
    long? ServerRssAfterBytes,
    double? ServerRssPerConnectionBytes,
    CpuFigures Idle,
    int ConnectionsLost,
    string? FirstLostReason,
    int ClosedCleanly,
    bool ServerReturnedToBaseline);
