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

    /// <summary>The user to log in as; the subscriber receives this user's stream (<c>user:&lt;uid&gt;</c>).</summary>
    public required string UserId { get; init; }

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

        ArgumentException.ThrowIfNullOrEmpty(UserId, nameof(UserId));
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
