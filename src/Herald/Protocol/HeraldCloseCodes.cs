namespace Herald;

/// <summary>
/// Herald's own WebSocket close codes; it also sends the standard 1000 (normal), 1001 (server shutting down),
/// 1002 (protocol error), 1007 (invalid UTF-8), 1009 (client message too big), 1011 (internal error) and 1013 (try again
/// later: the cluster's Redis is unreachable at a join). docs/protocol.md lists them all.
/// </summary>
public static class HeraldCloseCodes
{
    /// <summary>The login message named an invalid uid (empty, not a string, or too long).</summary>
    public const int InvalidLogin = 4000;

    /// <summary>The connection did not log in within <see cref="HeraldOptions.LoginTimeout"/>.</summary>
    public const int LoginTimeout = 4001;

    /// <summary>A second login arrived on a connection that is already logged in.</summary>
    public const int AlreadyLoggedIn = 4002;

    /// <summary>
    /// The client fell further behind than <see cref="HeraldOptions.MaxQueuedMessages"/> or
    /// <see cref="HeraldOptions.MaxQueuedBytes"/> allow; its queued messages were dropped.
    /// </summary>
    public const int SlowConsumer = 4003;

    /// <summary>
    /// The application asked Herald to disconnect the user (<c>POST /api/v1/users/{uid}/disconnect</c> or
    /// <see cref="IHeraldHub.DisconnectUserAsync"/>), after a logout or a ban, say.
    /// </summary>
    public const int Disconnected = 4004;

    /// <summary>
    /// The user already has <c>MaxConnectionsPerUser</c> connections open on this node; the
    /// new one is refused at login.
    /// </summary>
    public const int TooManyConnections = 4005;

    /// <summary>The client sent more messages than <c>ClientMessagesPerSecond</c> allows.</summary>
    public const int MessageRateExceeded = 4006;

    /// <summary>
    /// The node missed messages of one of the connection's streams (its link to the other nodes was down longer
    /// than the history covers): reconnect and resume, and the <c>joined</c> answer says what could not be recovered.
    /// </summary>
    public const int ResumeRequired = 4007;

    /// <summary>
    /// The token is not one Herald accepts: malformed, wrongly signed, an algorithm or key it does not trust, the
    /// wrong issuer or audience, not valid yet, or without a <c>sub</c>.
    /// </summary>
    public const int InvalidToken = 4010;

    /// <summary>The token has expired: at login, or later because the connection was not given a refreshed one in time.</summary>
    public const int TokenExpired = 4011;

    /// <summary>
    /// The login was refused: a credential is required and none was given (anonymous login is off), the connect
    /// hook refused it, or the credential names another user than the connection's.
    /// </summary>
    public const int LoginRefused = 4012;

    /// <summary>The login could not be checked now (the connect hook failed, timed out or is switched off by its circuit breaker); retry later.</summary>
    public const int AuthUnavailable = 4013;
}
