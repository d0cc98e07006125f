namespace Herald.WebSockets;

/// <summary>
/// Who runs engine connections and must hear when one has ended: after its end is logged, before its transport is
/// released. One instance serves every connection it runs, so a connection holds a reference to it, not a callback.
/// </summary>
internal interface IWebSocketLifetime
{
    /// <summary>Both loops of <paramref name="connection"/> have ended; called once.</summary>
    void OnEnded(WebSocketConnection connection);
}
