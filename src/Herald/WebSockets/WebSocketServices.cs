using Herald.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Herald.WebSockets;

/// <summary>
/// What every connection of one server shares, held once and referenced by each connection rather than kept as
/// five fields of every connection (an idle connection pays for each field it has).
/// </summary>
/// <param name="Limits">What the engine enforces.</param>
/// <param name="Counters">The hub's running totals (connections opened, copies delivered, dropped, conflated).</param>
/// <param name="TimeProvider">The clock of every deadline.</param>
/// <param name="Logger">The connections' log, under its public category.</param>
/// <param name="Lifetime">Told when a connection has ended, before its transport is released.</param>
/// <param name="Latency">Where each live copy's delivery latency goes, if anywhere.</param>
internal sealed record WebSocketServices(WebSocketLimits Limits, HubCounters Counters, TimeProvider TimeProvider, ILogger Logger, IWebSocketLifetime? Lifetime = null, DeliveryLatency? Latency = null);
