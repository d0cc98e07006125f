namespace Herald;

/// <summary>
/// Herald's settings, bound from the <c>Herald</c> configuration section
/// (appsettings.json, <c>Herald__Key</c> environment variables, <c>--Herald:Key</c> switches)
/// and validated at start. docs/configuration.md describes every key.
/// </summary>
public sealed class HeraldOptions
{
    /// <summary>The configuration section Herald binds.</summary>
    public const string SectionName = "Herald";

    /// <summary>Default for <see cref="MaxUserIdLength"/>.</summary>
    public const int DefaultMaxUserIdLength = 128;

    /// <summary>Default for <see cref="MaxClientMessageBytes"/>.</summary>
    public const int DefaultMaxClientMessageBytes = 4 * 1024;

    /// <summary>Default for <see cref="MaxMessageBytes"/>.</summary>
    public const int DefaultMaxMessageBytes = 64 * 1024;

    /// <summary>Default for <see cref="MaxQueuedMessages"/>.</summary>
    public const int DefaultMaxQueuedMessages = 1024;

    /// <summary>Default for <see cref="MaxQueuedBytes"/>.</summary>
    public const int DefaultMaxQueuedBytes = 4 * 1024 * 1024;

    /// <summary>Default for <see cref="HistoryMaxMessages"/>.</summary>
    public const int DefaultHistoryMaxMessages = 100;

    /// <summary>Default for <see cref="HistoryMaxBytes"/>.</summary>
    public const long DefaultHistoryMaxBytes = 64 * 1024 * 1024;

    /// <summary>Default for <see cref="MaxIdempotencyKeys"/>.</summary>
    public const int DefaultMaxIdempotencyKeys = 100_000;

    /// <summary>Default for <see cref="MaxIdempotencyBytes"/>.</summary>
    public const long DefaultMaxIdempotencyBytes = 64 * 1024 * 1024;

    /// <summary>Default for <see cref="MaxTopicsPerConnection"/>.</summary>
    public const int DefaultMaxTopicsPerConnection = 64;

    /// <summary>Default for <see cref="MaxPublishTargets"/>.</summary>
    public const int DefaultMaxPublishTargets = 1000;

    /// <summary>Default for <see cref="MaxBatchMessages"/>.</summary>
    public const int DefaultMaxBatchMessages = 1000;

    /// <summary>Default for <see cref="MaxBatchBytes"/>.</summary>
    public const int DefaultMaxBatchBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Default for <see cref="MaxConnectionsPerUser"/>: far above what one person opens (a browser caps its own
    /// WebSockets at about 255 in all, a user's tabs and devices rarely reach 20), low enough that one account's
    /// runaway reconnect loop cannot fill a node.
    /// </summary>
    public const int DefaultMaxConnectionsPerUser = 100;

    /// <summary>
    /// Default for <see cref="MaxConnectionsPerIp"/>: more than the people behind one address who use one app at once
    /// but for a large office (raise it for one), and a tenth of <see cref="DefaultMaxPendingLogins"/>, so that one
    /// host cannot hold every pending-login slot and lock everyone else out.
    /// </summary>
    public const int DefaultMaxConnectionsPerIp = 1000;

    /// <summary>Default for <see cref="MaxPendingLogins"/>: a connect storm of 10,000 clients all upgrading before any has logged in still fits.</summary>
    public const int DefaultMaxPendingLogins = 10_000;

    /// <summary>
    /// Default for <see cref="ClientMessagesPerSecond"/>: a herald.v1 client sends a handful of commands a minute
    /// (login, subscribes, refreshes, pings), a seed client one login in all.
    /// </summary>
    public const int DefaultClientMessagesPerSecond = 50;

    /// <summary>Default for <see cref="ClientMessageBurst"/>: room for a client that subscribes to every topic it may (64) at once after login.</summary>
    public const int DefaultClientMessageBurst = 100;

    /// <summary>Default for <see cref="HistoryMaxAge"/>.</summary>
    public static readonly TimeSpan DefaultHistoryMaxAge = TimeSpan.FromMinutes(5);

    /// <summary>Default for <see cref="IdempotencyWindow"/>.</summary>
    public static readonly TimeSpan DefaultIdempotencyWindow = TimeSpan.FromMinutes(5);

    /// <summary>Default for <see cref="LoginTimeout"/>.</summary>
    public static readonly TimeSpan DefaultLoginTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Default for <see cref="KeepAliveInterval"/>.</summary>
    public static readonly TimeSpan DefaultKeepAliveInterval = TimeSpan.FromSeconds(20);

    /// <summary>Default for <see cref="KeepAliveTimeout"/>.</summary>
    public static readonly TimeSpan DefaultKeepAliveTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Default for <see cref="CloseTimeout"/>.</summary>
    public static readonly TimeSpan DefaultCloseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Default for <see cref="ShutdownTimeout"/>.</summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Longest user ID accepted, in UTF-16 characters, at login and by the HTTP API.</summary>
    public int MaxUserIdLength { get; set; } = DefaultMaxUserIdLength;

    /// <summary>Largest message a client may send, in bytes; a larger one closes the connection with 1009.</summary>
    public int MaxClientMessageBytes { get; set; } = DefaultMaxClientMessageBytes;

    /// <summary>Largest message that may be published, in UTF-8 bytes.</summary>
    public int MaxMessageBytes { get; set; } = DefaultMaxMessageBytes;

    /// <summary>Messages a connection may have waiting to be written before it counts as a slow consumer.</summary>
    public int MaxQueuedMessages { get; set; } = DefaultMaxQueuedMessages;

    /// <summary>Bytes a connection may have waiting to be written before it counts as a slow consumer.</summary>
    public int MaxQueuedBytes { get; set; } = DefaultMaxQueuedBytes;

    /// <summary>How long a new connection may take to log in before it is closed.</summary>
    public TimeSpan LoginTimeout { get; set; } = DefaultLoginTimeout;

    /// <summary>How often the server pings a connection; zero turns pings off.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = DefaultKeepAliveInterval;

    /// <summary>How long a ping may go unanswered before the connection is dropped; zero waits forever.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = DefaultKeepAliveTimeout;

    /// <summary>How long a closing connection may take to finish the close handshake before it is aborted.</summary>
    public TimeSpan CloseTimeout { get; set; } = DefaultCloseTimeout;

    /// <summary>How long shutdown waits for connections to close after sending 1001 before aborting them.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = DefaultShutdownTimeout;

    /// <summary>Messages each stream keeps for resuming; older ones leave first.</summary>
    public int HistoryMaxMessages { get; set; } = DefaultHistoryMaxMessages;

    /// <summary>How long a message is kept for resuming; a stream with nothing published for this long is forgotten (its next message starts a new epoch).</summary>
    public TimeSpan HistoryMaxAge { get; set; } = DefaultHistoryMaxAge;

    /// <summary>Memory all streams' history may take together, in bytes; the oldest messages leave first.</summary>
    public long HistoryMaxBytes { get; set; } = DefaultHistoryMaxBytes;

    /// <summary>How long an idempotency key is remembered: a retry within it is answered with the first result.</summary>
    public TimeSpan IdempotencyWindow { get; set; } = DefaultIdempotencyWindow;

    /// <summary>Idempotency keys remembered at most; beyond it the oldest are forgotten early.</summary>
    public int MaxIdempotencyKeys { get; set; } = DefaultMaxIdempotencyKeys;

    /// <summary>
    /// Memory the remembered idempotency keys may take, estimated per key from its length and its answer's streams;
    /// beyond it the oldest are forgotten early.
    /// </summary>
    public long MaxIdempotencyBytes { get; set; } = DefaultMaxIdempotencyBytes;

    /// <summary>
    /// Connections one user may have logged in on this node at once; one more login is refused and closed with
    /// <see cref="HeraldCloseCodes.TooManyConnections"/> (4005). Counted exactly, however many log in together.
    /// </summary>
    public int MaxConnectionsPerUser { get; set; } = DefaultMaxConnectionsPerUser;

    /// <summary>
    /// WebSocket connections one client address may have open at once, counted from before the 101 until the
    /// connection ends; one more upgrade is refused with 429. An IPv6 address counts by its /64. The address is the
    /// TCP peer's, or the one a known proxy forwarded (<see cref="ForwardedHeaders"/>). Zero turns the limit off.
    /// </summary>
    public int MaxConnectionsPerIp { get; set; } = DefaultMaxConnectionsPerIp;

    /// <summary>
    /// Whether loopback addresses (127.0.0.0/8, ::1) are left out of <see cref="MaxConnectionsPerIp"/>: a reverse
    /// proxy on the same host that Herald does not know as one, and load generators on the same machine, come from there.
    /// </summary>
    public bool ExemptLoopbackFromIpLimit { get; set; } = true;

    /// <summary>
    /// Connections admitted (from before their 101) that have not logged in yet; one more upgrade is refused with 503
    /// and <c>Retry-After</c>. Each such connection is closed after <see cref="LoginTimeout"/> at the latest.
    /// </summary>
    public int MaxPendingLogins { get; set; } = DefaultMaxPendingLogins;

    /// <summary>
    /// Messages a client may send per second, over time, on one connection; beyond it (once
    /// <see cref="ClientMessageBurst"/> is spent) the connection is closed with
    /// <see cref="HeraldCloseCodes.MessageRateExceeded"/> (4006). Zero turns the limit off.
    /// </summary>
    public int ClientMessagesPerSecond { get; set; } = DefaultClientMessagesPerSecond;

    /// <summary>Messages a client may send at once, faster than <see cref="ClientMessagesPerSecond"/>: the size of its token bucket.</summary>
    public int ClientMessageBurst { get; set; } = DefaultClientMessageBurst;

    /// <summary>Topics one herald.v1 connection may be on at once.</summary>
    public int MaxTopicsPerConnection { get; set; } = DefaultMaxTopicsPerConnection;

    /// <summary>Users and topics one publish may name together.</summary>
    public int MaxPublishTargets { get; set; } = DefaultMaxPublishTargets;

    /// <summary>Messages one batch publish may carry.</summary>
    public int MaxBatchMessages { get; set; } = DefaultMaxBatchMessages;

    /// <summary>Largest body of a batch publish, in bytes.</summary>
    public int MaxBatchBytes { get; set; } = DefaultMaxBatchBytes;

    /// <summary>
    /// Whether the seed's <c>{"uid":"..."}</c> login, which proves nothing, is accepted. Unset: accepted while no
    /// token key and no connect hook is configured, refused once one is; set it to re-enable it beside them.
    /// </summary>
    public bool? AllowAnonymousLogin { get; set; }

    /// <summary>
    /// Web pages (origins) that may open a WebSocket besides the server's own: <c>https://app.example.com</c>,
    /// <c>https://*.example.com</c>, or <c>*</c> for any. Checked once this list is set or the WebSocket side is
    /// authenticated; then other origins are refused with 403 (docs/security.md).
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Whether a key under <c>Herald</c> in configuration that no option reads (a misspelt one) stops the start
    /// instead of being logged as a warning (event 109) and ignored. Off by default, so that settings written for a
    /// newer Herald, or left behind after an upgrade, do not keep a server from starting (docs/configuration.md).
    /// </summary>
    public bool StrictConfiguration { get; set; }

    /// <summary>
    /// Whether <c>MapHerald</c> serves the demo page at its prefix's <c>/</c> (with <c>/herald/demo.js</c> and
    /// <c>/herald/demo.css</c>, after <c>/herald/pages.css</c>, the style sheet it shares with the dashboard): a page that connects as a user and shows how to push to it. Off by default, so that
    /// an app that embeds Herald keeps its own <c>/</c>; the standalone server's <c>appsettings.json</c> turns it on.
    /// Read when <c>MapHerald</c> runs, not on each request (docs/configuration.md).
    /// </summary>
    public bool DemoPage { get; set; }

    /// <summary>
    /// Whether <c>MapHerald</c> serves the operator's dashboard at its prefix's <c>/admin</c> (with
    /// <c>/herald/admin.js</c> and <c>/herald/admin.css</c>, after the shared <c>/herald/pages.css</c>): live counts and charts, a user lookup, a push and a
    /// disconnect. The page holds no data; everything it shows and does goes through the Admin-scope HTTP API, so it
    /// is exactly as protected as the API. Off by default, so that an app that embeds Herald keeps its own
    /// <c>/admin</c>; the standalone server's <c>appsettings.json</c> turns it on. Read when <c>MapHerald</c> runs
    /// (docs/operations.md).
    /// </summary>
    public bool AdminPage { get; set; }

    /// <summary>The connect hook (<c>Herald:ConnectHook</c>): off until its URL is set.</summary>
    public HeraldConnectHookOptions ConnectHook { get; } = new();

    /// <summary>The proxies whose forwarded headers say who the client is (<c>Herald:ForwardedHeaders</c>): none until listed.</summary>
    public HeraldForwardedHeadersOptions ForwardedHeaders { get; } = new();

    /// <summary>Token (JWT) login, bound from <c>Herald:Tokens</c>: off until a key source is set.</summary>
    public HeraldTokenOptions Tokens { get; } = new();

    /// <summary>Who may call the HTTP API and how often: the <c>Herald:Api</c> section.</summary>
    public HeraldApiOptions Api { get; } = new();
}
