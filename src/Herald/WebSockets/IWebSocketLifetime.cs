namespace Herald.WebSockets;

/// <summary>
/// Who runs engine connections and must hear when one has ended: after its end is logged, before its transport is
/// released. One instance serves every connection it runs, so a connection holds a reference to it, not a callback.
/// </summary>
internal interface IWebSocketLifetime
{
    /// <summary>
    /// The session of <paramref name="connection"/> said it is established (<see cref="WebSocketConnection.SessionEstablished"/>;
    /// Herald: it logged in); called from its receive loop, at most once, always before <see cref="OnEnded"/>.
    /// </summary>
    void OnEstablished(WebSocketConnection connection);

    /// <summary>Both loops of <paramref name="connection"/> have ended; called once.</summary>
    void OnEnded(WebSocketConnection connection);
}
