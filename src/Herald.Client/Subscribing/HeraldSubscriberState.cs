namespace Herald.Client;

/// <summary>
/// Where the subscriber's connection stands. Apart from <see cref="Status"/>, each property is set only in the
/// statuses its description names.
/// </summary>
/// <param name="Status">Connecting, connected, waiting to reconnect, or closed for good.</param>
public sealed record HeraldSubscriberState(HeraldSubscriberStatus Status)
{
    /// <summary>
    /// Connecting and Reconnecting: the number of the attempt made (or about to be made) since the last connection
    /// that logged in, from 1. Closed: the attempts made when the subscriber gave up, or 0.
    /// </summary>
    public int Attempt { get; init; }

    /// <summary>Reconnecting: how long the subscriber waits before the attempt.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>
    /// Reconnecting and Closed: the WebSocket close code that ended the last connection, such as 1001 (server
    /// shutting down), 4003 (slow consumer) or 4004 (disconnected by the backend); 1006 when it ended without a
    /// Close frame. Null when no connection was open (the attempt itself failed, see <see cref="Error"/>).
    /// </summary>
    public int? CloseStatus { get; init; }

    /// <summary>Reconnecting and Closed: the reason text of the Close frame, when there was one.</summary>
    public string? CloseReason { get; init; }

    /// <summary>Reconnecting and Closed: the failure behind the loss, when it was one (a refused handshake, a timeout, a broken connection).</summary>
    public Exception? Error { get; init; }
}

/// <summary>The stages of a subscriber's connection.</summary>
public enum HeraldSubscriberStatus
{
    /// <summary>Opening a WebSocket and logging in.</summary>
    Connecting,

    /// <summary>
    /// Logged in: on the user stream and <c>broadcast</c>, with the remembered topics subscribed again (each one's
    /// <c>joined</c> follows, reported by <see cref="HeraldSubscriber.StreamJoined"/>); messages flow.
    /// </summary>
    Connected,

    /// <summary>The connection was lost (or could not be opened); the subscriber waits, then tries again.</summary>
    Reconnecting,

    /// <summary>For good: disposed, ended by the server with a code that forbids reconnecting, or out of attempts.</summary>
    Closed,
}
