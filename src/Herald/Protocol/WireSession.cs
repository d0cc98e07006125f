using Herald.Diagnostics;
using Herald.Routing;
using Herald.WebSockets;
using Microsoft.Extensions.Logging;

namespace Herald.Protocol;

/// <summary>
/// What both wire flavours share over an engine connection: the login that ties it to a user (and its place in the
/// registry, <see cref="ConnectionMembership"/>), the credential it logged in with and its expiry, the login
/// deadline, queueing a stream's frames (a full queue makes a slow consumer, closed with 4003) and a disconnect (4004).
/// Each flavour reads its own client messages; <see cref="Create"/> is the one place that picks the flavour.
/// </summary>
internal abstract partial class WireSession : ConnectionMembership, IWebSocketSession
{
    private LogBudget? _refusalLogs;
    private HandshakeCredentials? _handshake;

    // The connection's token bucket for its messages (SessionServices.MessageRate): when it will be full again.
    private long _messageBucketFullAt;

    // Null for an anonymous login: only a verified credential is kept, and only what it grants.
    private volatile ConnectionIdentity? _credential;

    protected WireSession(WebSocketConnection connection, ConnectionRegistry registry, SessionServices services, HandshakeCredentials? handshake)
        : base(registry)
    {
        Connection = connection;
        Services = services;
        _handshake = handshake;
    }

    /// <summary>The user this connection logged in as; null until then.</summary>
    public string? UserId { get; private set; }

    public string? Identity => UserId;

    protected WebSocketConnection Connection { get; }

    protected SessionServices Services { get; }

    /// <summary>Log-safe: the user ID as a log line may show it, or "-" before login.</summary>
    protected string UserForLog => UserId is { } userId ? LogText.Escape(userId)! : "-";

    /// <summary>The verified credential the connection logged in with (or refreshed to); null before login and for an anonymous one.</summary>
    protected ConnectionIdentity? Credential => _credential;

    /// <summary>How long before its credential expires the client is told; zero for a flavour that cannot refresh.</summary>
    protected virtual TimeSpan ExpiryNotice => TimeSpan.Zero;

    public static WireSession Create(
        WireFlavour flavour, WebSocketConnection connection, ConnectionRegistry registry, SessionServices services, HandshakeCredentials? handshake) =>
        flavour == WireFlavour.HeraldV1
            ? new HeraldV1Session(connection, registry, services, handshake)
            : new SeedSession(connection, registry, services, handshake);

    /// <summary>
    /// Checks what the handshake carried (a token, or the cookies the connect hook reads) before any frame is read:
    /// a refusal closes the connection, an identity goes to <see cref="OnHandshakeIdentityAsync"/>.
    /// </summary>
    public async ValueTask OnOpenedAsync()
    {
        if (Interlocked.Exchange(ref _handshake, null) is not { } handshake)
        {
            return;
        }

        var authority = Services.Authority;
        LoginCheck check;
        if (handshake.Token is { } token)
        {
            check = await authority.CheckTokenAsync(token, CancellationToken.None);
        }
        else if (authority.UsesConnectHook)
        {
            check = await authority.CheckHandshakeAsync(handshake, CancellationToken.None);
        }
        else
        {
            return;
        }

        if (check.Identity is { } identity)
        {
            await OnHandshakeIdentityAsync(identity);
        }
        else
        {
            RejectCredential(check);
        }
    }

    public ValueTask OnMessageAsync(WebSocketMessageKind kind, ReadOnlyMemory<byte> message)
    {
        if (Services.MessageRate is { } rate && !rate.TryTake(ref _messageBucketFullAt, Services.TimeProvider.GetTimestamp()))
        {
            OnMessageRateExceeded(rate);
            return ValueTask.CompletedTask;
        }

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

    /// <summary>
    /// Before login, the login timeout. After it, the credential's: the notice before it expires (herald.v1), or its
    /// expiry, which closes the connection with 4011. A deadline left over from a credential since refreshed only
    /// sets the next one.
    /// </summary>
    public void OnSessionDeadline()
    {
        if (UserId is null)
        {
            var timeout = Services.Options.LoginTimeout;
            if (Connection.RequestClose(HeraldCloseCodes.LoginTimeout, "login timeout", discardQueued: true))
            {
                Log.LoginTimedOut(Services.Logger, Connection.Id, Connection.RemoteAddress, timeout.TotalSeconds);
            }

            return;
        }

        if (_credential?.ExpiresAt is not { } expiresAt)
        {
            return;
        }

        var now = Services.TimeProvider.GetUtcNow();
        if (now >= expiresAt)
        {
            if (Connection.RequestClose(HeraldCloseCodes.TokenExpired, "token expired", discardQueued: true))
            {
                Log.CredentialExpired(Services.Logger, Connection.Id, UserForLog, Envelopes.FormatTime(expiresAt));
            }

            return;
        }

        if (now >= expiresAt - ExpiryNotice)
        {
            OnExpiryNotice(expiresAt);
            Connection.SetSessionDeadline(expiresAt - now);
            return;
        }

        ScheduleExpiry();
    }

    public sealed override bool TryEnqueue(OutboundFrame frame, bool replayed, SendBurst? burst = null)
    {
        switch (Connection.TryEnqueue(frame, replayed, burst))
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

    public sealed override UserConnection Describe() => new(
        Connection.Id,
        Connection.RemoteAddress,
        FlavourName,
        Connection.OpenedAt,
        Connection.QueuedMessages,
        Connection.QueuedBytes,
        DescribeTopics());

    /// <summary>The flavour as the API names it: <c>seed</c> or <c>herald.v1</c>.</summary>
    protected abstract string FlavourName { get; }

    /// <summary>The connection's topics for a lookup; null for a flavour without topics.</summary>
    protected virtual IReadOnlyList<string>? DescribeTopics() => null;

    public sealed override bool Disconnect(string reason) =>
        Connection.RequestClose(HeraldCloseCodes.Disconnected, reason, discardQueued: true);

    /// <summary>A whole text message from the client, valid UTF-8, in this flavour's terms.</summary>
    protected abstract ValueTask OnTextAsync(ReadOnlyMemory<byte> message);

    /// <summary>A credential from the handshake was verified before any frame was read.</summary>
    protected abstract ValueTask OnHandshakeIdentityAsync(ConnectionIdentity identity);

    /// <summary>The credential expires at <paramref name="expiresAt"/>, within <see cref="ExpiryNotice"/>: tell the client.</summary>
    protected virtual void OnExpiryNotice(DateTimeOffset expiresAt)
    {
    }

    /// <summary>
    /// Ties the connection to the user and puts it on the user stream and the broadcast stream: live at once, or
    /// (<paramref name="joining"/>) holding live messages until the joins complete. An identity from a verified
    /// credential is kept (its grants and expiry), an anonymous one is not.
    /// </summary>
    /// <returns>False when the user already has MaxConnectionsPerUser connections here: the login is refused with 4005.</returns>
    protected bool LogIn(ConnectionIdentity identity, bool joining)
    {
        var limit = Services.Options.MaxConnectionsPerUser;
        if (!TryJoinUser(identity.UserId, joining, limit))
        {
            Services.Counters.LimitRefused(HeraldLimit.ConnectionsPerUser);
            Log.UserConnectionLimitReached(Services.Logger, Connection.Id, LogText.Escape(identity.UserId)!, Connection.RemoteAddress, limit);
            Connection.RequestClose(HeraldCloseCodes.TooManyConnections, "too many connections for this user", discardQueued: true);
            return false;
        }

        UserId = identity.UserId;
        _credential = identity.Source == IdentitySource.Anonymous ? null : identity;
        Connection.SessionEstablished();
        ScheduleExpiry();
        if (Services.Logger.IsEnabled(LogLevel.Information))
        {
            // Asked first: the user is escaped and the address formatted only for a line that is written.
            Log.ConnectionLoggedIn(Services.Logger, Connection.Id, UserForLog, Connection.RemoteAddress);
        }

        return true;
    }

    /// <summary>Replaces the credential with a refreshed one for the same user, and moves the expiry.</summary>
    protected void ReplaceCredential(ConnectionIdentity identity)
    {
        _credential = identity;
        ScheduleExpiry();
    }

    /// <summary>Whether the connection may subscribe to <paramref name="topic"/> by what it logged in with, without asking anyone.</summary>
    protected bool IsGranted(string topic) =>
        _credential is { } credential
            ? credential.Topics?.Allows(topic) ?? false
            : Services.Authority.AnonymousTopicsOpen;

    /// <summary>Refuses a login: the connection closes with <paramref name="code"/>.</summary>
    protected void RejectLogin(int code, string reason, string logReason)
    {
        Log.LoginRejected(Services.Logger, Connection.Id, Connection.RemoteAddress, LogText.Escape(logReason)!);
        Connection.RequestClose(code, reason, discardQueued: true);
    }

    /// <summary>Refuses a login whose credential was refused, with the close code of its verdict.</summary>
    protected void RejectCredential(LoginCheck check) =>
        RejectLogin(check.CloseCode, check.Reason, check.Detail is { } detail ? $"{check.Reason} ({detail})" : check.Reason);

    /// <summary>The anonymous identity of a seed <c>{"uid":...}</c> login, or null after refusing it because anonymous login is off.</summary>
    protected ConnectionIdentity? AnonymousIdentity(string userId)
    {
        if (Services.Authority.AllowsAnonymous)
        {
            return new ConnectionIdentity(userId, null, null, IdentitySource.Anonymous);
        }

        RejectLogin(HeraldCloseCodes.LoginRefused, "anonymous login is off: log in with a token", "anonymous login is off (a uid without a token)");
        return null;
    }

    private void ScheduleExpiry()
    {
        if (_credential?.ExpiresAt is not { } expiresAt)
        {
            return;
        }

        // A credential with less left than the notice is told at once (the next sweep), then closed at its expiry.
        var untilExpiry = expiresAt - Services.TimeProvider.GetUtcNow();
        var untilNotice = untilExpiry - ExpiryNotice;
        Connection.SetSessionDeadline(ExpiryNotice > TimeSpan.Zero ? untilNotice : untilExpiry);
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

    /// <summary>Every message, of either kind and before or after login, takes a token; one with none left closes the connection.</summary>
    private void OnMessageRateExceeded(MessageRateLimit rate)
    {
        if (Connection.RequestClose(HeraldCloseCodes.MessageRateExceeded, "too many messages", discardQueued: true))
        {
            Services.Counters.LimitRefused(HeraldLimit.ClientMessageRate);
            Log.MessageRateExceeded(Services.Logger, Connection.Id, UserForLog, Connection.RemoteAddress, rate.Burst, rate.PerSecond);
        }
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
