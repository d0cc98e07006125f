using Herald.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Herald.Connections;

/// <summary>
/// Upgrades a limit refused before their 101 (<see cref="UpgradeGate.Admit"/>), counted by limit and logged as
/// events 441 and 442. A client can cause these as fast as it can connect, and no connection exists to hold a
/// budget, so each limit has one <see cref="LogBudget"/> for all clients: the first 10 lines, then 10 a minute, and
/// event 444 says how many were left out. The count in <see cref="HubCounters"/> misses none.
/// </summary>
internal sealed partial class RefusedUpgrades(HubCounters counters, HeraldOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger(LogCategories.Upgrades);
    private readonly Lock _gate = new();
    private readonly LogBudget _addressLines = new(timeProvider);
    private readonly LogBudget _pendingLines = new(timeProvider);

    /// <param name="refusal">A refusal by a limit.</param>
    /// <param name="client">The client's address as log lines show it, escaped.</param>
    public void Record(UpgradeRefusal refusal, string client)
    {
        var limit = refusal.Limit!.Value;
        counters.LimitRefused(limit);
        if (!_logger.IsEnabled(LogLevel.Warning) || !TryTakeLine(limit == HeraldLimit.ConnectionsPerIp ? _addressLines : _pendingLines, out var suppressed))
        {
            return;
        }

        if (suppressed > 0)
        {
            Log.LimitRefusalsNotLogged(_logger, suppressed, HeraldLimits.TagValue(limit), LogBudget.LinesPerWindow);
        }

        if (limit == HeraldLimit.ConnectionsPerIp)
        {
            Log.AddressConnectionLimitReached(_logger, client, options.MaxConnectionsPerIp);
        }
        else
        {
            Log.PendingLoginLimitReached(_logger, client, options.MaxPendingLogins);
        }
    }

    private bool TryTakeLine(LogBudget budget, out long suppressed)
    {
        lock (_gate)
        {
            var taken = budget.TryTake(timeProvider.GetTimestamp());
            suppressed = taken ? budget.TakeSuppressed() : 0;
            return taken;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.AddressConnectionLimitReached, LogLevel.Warning, "Refused a WebSocket upgrade from {ClientAddress} with 429: it has {Limit} connections open (Herald:MaxConnectionsPerIp). If that address is a proxy or load balancer, list it in Herald:ForwardedHeaders", EventName = "AddressConnectionLimitReached")]
        public static partial void AddressConnectionLimitReached(ILogger logger, string clientAddress, int limit);

        [LoggerMessage(EventIds.PendingLoginLimitReached, LogLevel.Warning, "Refused a WebSocket upgrade from {ClientAddress} with 503: {Limit} connections are waiting to log in (Herald:MaxPendingLogins)", EventName = "PendingLoginLimitReached")]
        public static partial void PendingLoginLimitReached(ILogger logger, string clientAddress, int limit);

        [LoggerMessage(EventIds.LimitRefusalsNotLogged, LogLevel.Warning, "{Count} more upgrades refused by the {Limit} limit were not logged (at most {LinesPerMinute} lines a minute for each limit)", EventName = "LimitRefusalsNotLogged")]
        public static partial void LimitRefusalsNotLogged(ILogger logger, long count, string limit, int linesPerMinute);
    }
}
