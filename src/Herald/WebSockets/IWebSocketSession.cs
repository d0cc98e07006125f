namespace Herald.WebSockets;

/// <summary>
/// What runs over an engine connection: it gets every whole message the client sends and decides what it means.
/// The engine calls it from its receive loop only, one call at a time.
/// </summary>
internal interface IWebSocketSession
{
    /// <summary>Who the session says the peer is (Herald: the user ID), for log lines; null until it knows.</summary>
    string? Identity { get; }

    /// <summary>
    /// The connection is open: called from the receive loop before it reads the first frame, which it reads once
    /// the returned task completes (Herald: a login from the handshake's credentials is checked here).
    /// </summary>
    ValueTask OnOpenedAsync();

    /// <summary>
    /// A whole message, its fragments joined and, for text, checked as UTF-8. The bytes are valid only until the
    /// returned task completes; the engine reads no further frame until then.
    /// </summary>
    ValueTask OnMessageAsync(WebSocketMessageKind kind, ReadOnlyMemory<byte> message);

    /// <summary>
    /// The session's deadline passed: <see cref="WebSocketLimits.SessionTimeout"/> after the open, unless the
    /// session called <see cref="WebSocketConnection.SessionEstablished"/> first, or the one it set last with
    /// <see cref="WebSocketConnection.SetSessionDeadline"/>. Called once per deadline, from the sweeper, so possibly
    /// while the receive loop is in the session.
    /// </summary>
    void OnSessionDeadline();

    /// <summary>Both loops have ended; called once, just before the connection's end is logged.</summary>
    void OnEnded();
}

/// <summary>The two kinds of data message (RFC 6455 §5.6).</summary>
internal enum WebSocketMessageKind
{
    Text,
    Binary,
}
