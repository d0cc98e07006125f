using System.Diagnostics.Metrics;
using Herald.Auth;
using Herald.Delivery;
using Herald.Diagnostics;
using Herald.Routing;
using Herald.Streams;
using Herald.WebSockets;

namespace Herald.Hosting;

/// <summary>
/// The <c>Herald</c> meter: observable instruments over the same counts the stats endpoint reports, so
/// nothing is counted twice and the hot path pays nothing for metrics, and over the HTTP API's refusals, which the
/// stats do not report. docs/operations.md lists them.
/// </summary>
internal sealed class HeraldMetrics
{
    public const string MeterName = HeraldMeter.Name;

    public HeraldMetrics(IMeterFactory meterFactory, WebSocketConnectionSet connections, ConnectionRegistry registry, HubCounters counters, InMemoryHistory history, IIdempotencyStore idempotency, LoginAuthority loginAuthority, ApiRequestCounts apiRequests)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableUpDownCounter("herald.connections", () => connections.Count, "{connection}", "Open WebSocket connections, logged in or not.");
        meter.CreateObservableUpDownCounter("herald.connections.pending_login", () => Math.Max(0, connections.Count - registry.LoggedInCount), "{connection}", "Open connections that have not logged in yet.");
        meter.CreateObservableUpDownCounter("herald.users", () => registry.UserCount, "{user}", "Users with at least one logged-in connection.");
        meter.CreateObservableCounter("herald.connections.opened", () => counters.ConnectionsOpened, "{connection}", "Connections accepted since start.");
        meter.CreateObservableCounter("herald.connections.closed", () => ConnectionEnds(counters), "{connection}", "Connections ended since start, by reason (client_closed, server_closed with its close code, lost).");
        meter.CreateObservableCounter("herald.connections.slow_consumer_disconnects", () => counters.SlowConsumerDisconnects, "{connection}", "Connections cut off for falling too far behind.");
        meter.CreateObservableCounter("herald.messages.published", () => counters.MessagesPublished, "{message}", "Messages accepted for publishing.");
        meter.CreateObservableCounter("herald.messages.queued", () => counters.MessagesQueued, "{message}", "Copies of messages queued for a connection, replayed ones included.");
        meter.CreateObservableCounter("herald.messages.replayed", () => counters.MessagesReplayed, "{message}", "Copies replayed from the history to a joining connection.");
        meter.CreateObservableCounter("herald.messages.delivered", () => counters.MessagesDelivered, "{message}", "Copies written to a connection's socket.");
        meter.CreateObservableCounter("herald.messages.dropped", () => counters.MessagesDropped, "{message}", "Copies queued but never written because their connection closed first.");
        meter.CreateObservableCounter("herald.messages.conflated", () => counters.MessagesConflated, "{message}", "Queued copies replaced by a newer message with the same conflation key.");
        meter.CreateObservableUpDownCounter("herald.topics", () => registry.TopicCount, "{topic}", "Topics with at least one subscribed connection.");
        meter.CreateObservableUpDownCounter("herald.history.messages", () => history.Counts.Messages, "{message}", "Messages the history keeps for resuming.");
        meter.CreateObservableUpDownCounter("herald.history.bytes", () => history.Counts.Bytes, "By", "Memory the history accounts for.");
        meter.CreateObservableUpDownCounter("herald.idempotency.keys", () => idempotency.Count, "{key}", "Idempotency keys remembered.");
        meter.CreateObservableUpDownCounter("herald.idempotency.bytes", () => idempotency.Bytes, "By", "Memory the remembered idempotency keys account for.");
        meter.CreateObservableCounter("herald.limits.refused", () => LimitRefusals(counters), "{refusal}", "Logins, upgrades, connections and commands refused by a limit, by limit.");
        meter.CreateObservableCounter("herald.api.requests", apiRequests.Answered.Measure, "{request}", "HTTP API requests answered, the direct send's included, by API key and status.");
        meter.CreateObservableCounter("herald.api.requests.refused", apiRequests.Refused.Measure, "{request}", "HTTP API requests refused with 401, 403 or 429, by API key and status.");

        // The connect hook's own counts (no stats field has them); nothing is reported while no hook is configured.
        var hook = loginAuthority.ConnectHook;
        meter.CreateObservableCounter<long>("herald.connect_hook.checks", () => ConnectHookChecks(hook), "{check}", "Checks of the connect hook, by check (connect, subscribe) and outcome.");
        meter.CreateObservableUpDownCounter<int>("herald.connect_hook.breaker_open", () => hook is null ? [] : [new Measurement<int>(hook.IsBreakerOpen ? 1 : 0)], "{breaker}", "1 while the connect hook's circuit breaker is open or half-open, else 0.");
    }

    private static IEnumerable<Measurement<long>> ConnectionEnds(HubCounters counters)
    {
        foreach (var (end, code, count) in counters.ConnectionEnds())
        {
            yield return end == ConnectionEnd.ServerClosed
                ? new Measurement<long>(count, new KeyValuePair<string, object?>("reason", "server_closed"), new KeyValuePair<string, object?>("code", code))
                : new Measurement<long>(count, new KeyValuePair<string, object?>("reason", end == ConnectionEnd.ClientClosed ? "client_closed" : "lost"));
        }
    }

    private static Measurement<long>[] LimitRefusals(HubCounters counters)
    {
        var measurements = new Measurement<long>[HeraldLimits.All.Length];
        for (var i = 0; i < measurements.Length; i++)
        {
            var limit = HeraldLimits.All[i];
            measurements[i] = new Measurement<long>(counters.LimitRefusals(limit), new KeyValuePair<string, object?>("limit", HeraldLimits.TagValue(limit)));
        }

        return measurements;
    }

    private static Measurement<long>[] ConnectHookChecks(ConnectHookClient? hook)
    {
        if (hook is null)
        {
            return [];
        }

        var checks = Enum.GetValues<ConnectHookCheck>();
        var outcomes = Enum.GetValues<ConnectHookOutcome>();
        var measurements = new Measurement<long>[checks.Length * outcomes.Length];
        var i = 0;
        foreach (var check in checks)
        {
            foreach (var outcome in outcomes)
            {
                measurements[i++] = new Measurement<long>(
                    hook.Count(check, outcome),
                    new KeyValuePair<string, object?>("check", ConnectHookClient.Name(check)),
                    new KeyValuePair<string, object?>("outcome", ConnectHookClient.Name(outcome)));
            }
        }

        return measurements;
    }
}
