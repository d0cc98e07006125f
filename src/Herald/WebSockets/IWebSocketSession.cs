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
    /// A whole message, its fragments joined and, for text, checked as UTF-8. The bytes are valid only until the
    /// returned task completes; the engine reads no further frame until then.
    /// </summary>
    ValueTask OnMessageAsync(WebSocketMessageKind kind, ReadOnlyMemory<byte> message);

    /// <summary>
    /// <see cref="WebSocketLimits.SessionTimeout"/> passed before the session called
    /// <see cref="WebSocketConnection.SessionEstablished"/>. Called once, from the sweeper.
    /// </summary>
    void OnSessionTimeout();

    /// <summary>Both loops have ended; called once, just before the connection's end is logged.</summary>
    void OnEnded();
}

/// <summary>The two kinds of data message (RFC 6455 §5.6).</summary>
internal enum WebSocketMessageKind
{
    Text,
    Binary,
}
