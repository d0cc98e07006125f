namespace Herald.WebSockets;

/// <summary>
/// What the engine enforces on one connection. The accepting layer builds it from the application's options, so
/// the engine knows nothing of how Herald is configured.
/// </summary>
/// <param name="MaxMessageBytes">The largest message a client may send, all its fragments together; more is closed with 1009.</param>
/// <param name="MaxQueuedMessages">How many frames may wait for the send loop before the queue refuses more.</param>
/// <param name="MaxQueuedBytes">How many bytes may wait for the send loop before the queue refuses more.</param>
/// <param name="SessionTimeout">How long the session has to say it is established (Herald: the login) before it is told so.</param>
/// <param name="CloseTimeout">How long a close may take, handshake and draining included, before the connection is aborted.</param>
/// <param name="KeepAliveInterval">Silence after which the client is pinged; zero turns pings off.</param>
/// <param name="KeepAliveTimeout">How long an unanswered ping may wait before the connection is aborted; zero waits forever.</param>
internal sealed record WebSocketLimits(
    int MaxMessageBytes,
    int MaxQueuedMessages,
    int MaxQueuedBytes,
    TimeSpan SessionTimeout,
    TimeSpan CloseTimeout,
    TimeSpan KeepAliveInterval,
    TimeSpan KeepAliveTimeout)
{
    /// <summary>The shortest non-zero deadline the sweeper must honour.</summary>
    public TimeSpan ShortestDeadline
    {
        get
        {
            var shortest = Timeout.InfiniteTimeSpan;
            foreach (var deadline in (ReadOnlySpan<TimeSpan>)[SessionTimeout, CloseTimeout, KeepAliveInterval, KeepAliveTimeout])
            {
                if (deadline > TimeSpan.Zero && (shortest == Timeout.InfiniteTimeSpan || deadline < shortest))
                {
                    shortest = deadline;
                }
            }

            return shortest;
        }
    }
}
