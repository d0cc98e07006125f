namespace Herald.Protocol;

/// <summary>
/// Decides who a connection is, from the credential it gives: the seam between the sessions, which know when a
/// credential arrives, and the authentication the server is configured with (tokens, the connect hook, or none).
/// </summary>
internal interface ILoginAuthority
{
    /// <summary>Whether the seed's <c>{"uid":"..."}</c> login, which proves nothing, is accepted.</summary>
    bool AllowsAnonymous { get; }

    /// <summary>
    /// Whether an anonymous login may subscribe to any topic: only while no authentication is configured. Beside
    /// tokens or the hook (anonymous login re-enabled), an anonymous connection gets no topic its grants do not name.
    /// </summary>
    bool AnonymousTopicsOpen { get; }

    /// <summary>Whether a connection's identity is asked of the connect hook from its handshake, when it brought no token there.</summary>
    bool UsesConnectHook { get; }

    /// <summary>How long before its credential expires a herald.v1 connection is told to refresh it.</summary>
    TimeSpan RefreshNotice { get; }

    /// <summary>Checks a token from a login or refresh message, or from the handshake.</summary>
    ValueTask<LoginCheck> CheckTokenAsync(string token, CancellationToken cancellationToken);

    /// <summary>Asks the connect hook who the handshake's cookies and headers say the client is.</summary>
    ValueTask<LoginCheck> CheckHandshakeAsync(HandshakeCredentials handshake, CancellationToken cancellationToken);

    /// <summary>
    /// Whether <paramref name="identity"/> may subscribe to <paramref name="topic"/>, which its own grants do not
    /// cover: the connect hook's answer when it checks subscribes, else a refusal.
    /// </summary>
    ValueTask<LoginCheck> CheckSubscribeAsync(ConnectionIdentity identity, string topic, CancellationToken cancellationToken);
}
