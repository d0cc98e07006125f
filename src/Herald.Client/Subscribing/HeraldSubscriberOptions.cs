using System.Net.WebSockets;

namespace Herald.Client;

/// <summary>What a <see cref="HeraldSubscriber"/> connects to, as whom, and how it behaves. Immutable once created.</summary>
public sealed class HeraldSubscriberOptions
{
    /// <summary>The default <see cref="MaxBufferedMessages"/>: 1000.</summary>
    public const int DefaultMaxBufferedMessages = 1000;

    /// <summary>The default <see cref="ConnectTimeout"/>: 10 s.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The default <see cref="CloseTimeout"/>: 5 s.</summary>
    public static readonly TimeSpan DefaultCloseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The default <see cref="KeepAliveInterval"/>: 15 s.</summary>
    public static readonly TimeSpan DefaultKeepAliveInterval = TimeSpan.FromSeconds(15);

    /// <summary>The default <see cref="KeepAliveTimeout"/>: 15 s.</summary>
    public static readonly TimeSpan DefaultKeepAliveTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Herald's WebSocket endpoint, such as <c>ws://localhost:8181/ws</c> (<c>wss://</c> for TLS).</summary>
    public required Uri ServerUri { get; init; }

    /// <summary>
    /// The user to log in as; the subscriber receives this user's stream (<c>user:&lt;uid&gt;</c>). Required, unless
    /// <see cref="AccessTokenProvider"/> is set: then the server takes the user from the token (its <c>sub</c>), and a
    /// <see cref="UserId"/> given beside it must be that user (the server refuses the login with 4012 otherwise).
    /// </summary>
    public string? UserId { get; init; }

    /// <summary>
    /// Gives the token (a JWT) the subscriber logs in with, for a server that checks who logs in. It is asked on every
    /// connection attempt, before the WebSocket opens, and again when the server says the token is about to expire
    /// (<c>token_expiring</c>), to refresh it on the open connection. Return a fresh token when the one given before
    /// expires soon, and the same one otherwise (it is not sent again). The token goes in the login message, never
    /// in the URL. An exception it throws, or a null or empty token, fails that attempt (retried with backoff) or
    /// that refresh (the connection then ends at the token's expiry, with 4011, and the next attempt asks again).
    /// It runs on the subscriber's own tasks, one call at a time; the token passed cancels it when the attempt times
    /// out, the connection ends or the subscriber is disposed. Null (the default): the login carries
    /// <see cref="UserId"/> only, as on a server that checks nobody.
    /// </summary>
    public Func<CancellationToken, ValueTask<string?>>? AccessTokenProvider { get; init; }

    /// <summary>Topics to subscribe to from the first connection on; more can be added with <see cref="HeraldSubscriber.SubscribeAsync"/>.</summary>
    public IReadOnlyCollection<string> Topics { get; init; } = [];

    /// <summary>Where the user stream starts on the very first connection; later connections resume where the last one ended.</summary>
    public HeraldStartPosition StartPosition { get; init; } = HeraldStartPosition.Live;

    /// <summary>How long to wait between connection attempts, and when to give up.</summary>
    public HeraldReconnectPolicy Reconnect { get; init; } = HeraldReconnectPolicy.Default;

    /// <summary>
    /// How many received messages may wait for the application to read them. When they are all waiting, the
    /// subscriber stops reading the socket until the application catches up; nothing is dropped (see docs/client.md).
    /// </summary>
    public int MaxBufferedMessages { get; init; } = DefaultMaxBufferedMessages;

    /// <summary>How long one attempt may take to open the WebSocket and be logged in.</summary>
    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;

    /// <summary>How long <see cref="HeraldSubscriber.DisposeAsync"/> waits for the server to answer its Close before it aborts the connection.</summary>
    public TimeSpan CloseTimeout { get; init; } = DefaultCloseTimeout;

    /// <summary>
    /// After this long without a frame from the server, the subscriber sends a <c>ping</c>; with
    /// <see cref="KeepAliveTimeout"/>, how a connection that died silently is noticed. <see cref="TimeSpan.Zero"/>
    /// turns pings off.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; init; } = DefaultKeepAliveInterval;

    /// <summary>
    /// How long a ping may go without any frame from the server before the connection is given up (and
    /// reconnected); <see cref="Timeout.InfiniteTimeSpan"/> for never.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; init; } = DefaultKeepAliveTimeout;

    /// <summary>
    /// Adjusts each new connection's <see cref="ClientWebSocketOptions"/> (headers, cookies, proxy, certificates),
    /// after the subscriber has added the <c>herald.v1</c> subprotocol.
    /// </summary>
    public Action<ClientWebSocketOptions>? ConfigureWebSocket { get; init; }

    /// <summary>The clock behind reconnect waits and timeouts.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(ServerUri, nameof(ServerUri));
        if (!ServerUri.IsAbsoluteUri || ServerUri.Scheme is not ("ws" or "wss"))
        {
            throw new ArgumentException($"{nameof(ServerUri)} must be an absolute ws:// or wss:// URI, such as ws://localhost:8181/ws (was '{ServerUri}').", nameof(ServerUri));
        }

        if (AccessTokenProvider is null || UserId is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(UserId, nameof(UserId));
        }
        else if (StartPosition == HeraldStartPosition.Retained)
        {
            throw new ArgumentException($"{nameof(StartPosition)} {nameof(HeraldStartPosition.Retained)} needs the {nameof(UserId)}: the first login names the user's stream (user:<uid>) to resume it, before the server has said whose the token is.", nameof(UserId));
        }

        ArgumentNullException.ThrowIfNull(Topics, nameof(Topics));
        foreach (var topic in Topics)
        {
            Subscribing.TopicNames.ThrowIfInvalid(topic, nameof(Topics));
        }

        ArgumentNullException.ThrowIfNull(Reconnect, nameof(Reconnect));
        Reconnect.Validate(nameof(Reconnect));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBufferedMessages, 1, nameof(MaxBufferedMessages));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CloseTimeout, TimeSpan.Zero, nameof(CloseTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(KeepAliveInterval, TimeSpan.Zero, nameof(KeepAliveInterval));
        if (KeepAliveTimeout <= TimeSpan.Zero && KeepAliveTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(KeepAliveTimeout), KeepAliveTimeout, $"{nameof(KeepAliveTimeout)} must be more than zero, or Timeout.InfiniteTimeSpan for never.");
        }
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }
}
