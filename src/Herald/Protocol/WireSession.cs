using Herald.Diagnostics;
using Herald.Routing;
using Herald.WebSockets;
using Microsoft.Extensions.Logging;

namespace Herald.Protocol;

/// <summary>
/// What both wire flavours share over an engine connection: the login that ties it to a user (and its place in the
/// registry, <see cref="ConnectionMembership"/>), the login deadline,
/// queueing a stream's frames (a full queue makes a slow consumer, closed with 4003) and a disconnect (4004).
/// Each flavour reads its own client messages; <see cref="Create"/> is the one place that picks the flavour.
/// </summary>
internal abstract partial class WireSession : ConnectionMembership, IWebSocketSession
{
    private LogBudget? _refusalLogs;

    protected WireSession(WebSocketConnection connection, ConnectionRegistry registry, SessionServices services)
        : base(registry)
    {
        Connection = connection;
        Services = services;
    }

    /// <summary>The user this connection logged in as; null until then.</summary>
    public string? UserId { get; private set; }

    public string? Identity => UserId;

    protected WebSocketConnection Connection { get; }

    protected SessionServices Services { get; }

    /// <summary>Log-safe: the user ID as a log line may show it, or "-" before login.</summary>
    protected string UserForLog => UserId is { } userId ? LogText.Escape(userId)! : "-";

    public static WireSession Create(WireFlavour flavour, WebSocketConnection connection, ConnectionRegistry registry, SessionServices services) =>
        flavour == WireFlavour.HeraldV1
            ? new HeraldV1Session(connection, registry, services)
            : new SeedSession(connection, registry, services);

    public ValueTask OnMessageAsync(WebSocketMessageKind kind, ReadOnlyMemory<byte> message)
    {
        if (kind == WebSocketMessageKind.Text)
        {
            return OnTextAsync(message);
        }

        if (MayLogRefusal(LogLevel.Debug))
        {
            Log.ClientMessageIgnored(Services.Logger, Connection.Id, UserForLog, "binary message", message.Length);
        }

        return ValueTask.CompletedTask;
    }

    public void OnEnded()
    {
        if (_refusalLogs?.TakeSuppressed() is > 0 and var suppressed)
        {
            Log.RefusalsNotLogged(Services.Logger, Connection.Id, UserForLog, suppressed, LogBudget.LinesPerWindow);
        }
    }

    public virtual ValueTask OnOpenedAsync() => ValueTask.CompletedTask;

    public void OnSessionDeadline()
    {
        var timeout = Services.Options.LoginTimeout;
        if (Connection.RequestClose(HeraldCloseCodes.LoginTimeout, "login timeout", discardQueued: true))
        {
            Log.LoginTimedOut(Services.Logger, Connection.Id, Connection.RemoteAddress, timeout.TotalSeconds);
        }
    }

    public sealed override bool TryEnqueue(OutboundFrame frame, bool replayed)
    {
        switch (Connection.TryEnqueue(frame, replayed))
        {
            case EnqueueOutcome.Queued or EnqueueOutcome.QueuedReplacing:
                return true;
            case EnqueueOutcome.OverBudget:
                OnSlowConsumer();
                return false;
            default:
                return false;
        }
    }

    public sealed override bool Disconnect(string reason) =>
        Connection.RequestClose(HeraldCloseCodes.Disconnected, reason, discardQueued: true);

    /// <summary>A whole text message from the client, valid UTF-8, in this flavour's terms.</summary>
    protected abstract ValueTask OnTextAsync(ReadOnlyMemory<byte> message);

    /// <summary>
    /// Ties the connection to the user and puts it on the user stream and the broadcast stream: live at once, or
    /// (<paramref name="joining"/>) holding live messages until the joins complete.
    /// </summary>
    protected void LogIn(string userId, bool joining)
    {
        UserId = userId;
        JoinUser(userId, joining);
        Connection.SessionEstablished();
        Log.ConnectionLoggedIn(Services.Logger, Connection.Id, UserForLog, Connection.RemoteAddress);
    }

    /// <summary>Refuses a login: the connection closes with <paramref name="code"/>.</summary>
    protected void RejectLogin(int code, string reason, string logReason)
    {
        Log.LoginRejected(Services.Logger, Connection.Id, Connection.RemoteAddress, LogText.Escape(logReason)!);
        Connection.RequestClose(code, reason, discardQueued: true);
    }

    /// <summary>
    /// Whether a line about something the client can repeat without being closed (events 203 and 211) may be logged
    /// now, within the connection's <see cref="LogBudget"/>; the first line after some were left out says how many.
    /// A line its level would not log anyway takes nothing from the budget.
    /// </summary>
    protected bool MayLogRefusal(LogLevel level)
    {
        if (!Services.Logger.IsEnabled(level))
        {
            return false;
        }

        var budget = _refusalLogs ??= new LogBudget(Services.TimeProvider);
        if (!budget.TryTake(Services.TimeProvider.GetTimestamp()))
        {
            return false;
        }

        if (budget.TakeSuppressed() is > 0 and var suppressed)
        {
            Log.RefusalsNotLogged(Services.Logger, Connection.Id, UserForLog, suppressed, LogBudget.LinesPerWindow);
        }

        return true;
    }

    private void OnSlowConsumer()
    {
        var (queuedMessages, queuedBytes) = (Connection.QueuedMessages, Connection.QueuedBytes);
        if (Connection.RequestClose(HeraldCloseCodes.SlowConsumer, "slow consumer", discardQueued: true))
        {
            Services.Counters.SlowConsumerDisconnected();
            Log.SlowConsumerDisconnected(Services.Logger, Connection.Id, UserForLog, Connection.RemoteAddress, queuedMessages, queuedBytes);
        }
    }
}
