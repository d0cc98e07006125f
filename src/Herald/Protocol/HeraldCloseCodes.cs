namespace Herald;

/// <summary>
/// Herald's own WebSocket close codes; it also sends the standard 1000 (normal), 1001 (server shutting down),
/// 1002 (protocol error), 1007 (invalid UTF-8) and 1009 (client message too big). docs/protocol.md lists them all.
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
}
