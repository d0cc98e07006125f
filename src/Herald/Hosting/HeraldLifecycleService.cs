using Herald.Auth;
using Herald.Connections;
using Herald.Diagnostics;
using Herald.WebSockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Herald.Hosting;

/// <summary>
/// Start-up report and two-phase shutdown. Shutdown runs in <see cref="StoppingAsync"/>, before the server
/// stops: refuse new connections, send every client Close 1001 after what is queued for it, wait up to
/// ShutdownTimeout, abort the rest.
/// </summary>
internal sealed partial class HeraldLifecycleService(
    WebSocketConnectionSet connections,
    HeraldOptions options,
    TimeProvider timeProvider,
    IServer server,
    IOptions<HostOptions> hostOptions,
    MappedPrefixes mappedPrefixes,
    HeraldMetrics metrics,
    ConnectionSweeper sweeper,
    LoginAuthority authority,
    OriginPolicy origins,
    ClientAddressResolver clientAddresses,
    ApiAccessReport apiAccess,
    IConfiguration configuration,
    ILoggerFactory loggerFactory) : IHostedLifecycleService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger(LogCategories.Lifecycle);

    // After the abort, connections unwind in milliseconds; this only bounds a pathological case.
    private static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(1);

    // Holding the metrics keeps their observable instruments registered for the life of the host.
    private readonly HeraldMetrics _metrics = metrics;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        // Under StrictConfiguration these have already failed the start (HeraldConfigurationKeysValidator): here they only warn.
        foreach (var key in UnknownConfigurationKeys.Find(configuration))
        {
            Log.UnknownConfigurationKey(_logger, LogText.Escape(key.Path), key.Hint);
        }

        sweeper.Start();
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var prefixes = mappedPrefixes.Snapshot();
        if (prefixes.Count == 0)
        {
            Log.NotMapped(_logger);
        }

        var webSocketPaths = prefixes.Count == 0 ? "none" : string.Join(", ", prefixes.Select(p => $"{p}/ws"));
        var publishPaths = prefixes.Count == 0 ? "none" : string.Join(", ", prefixes.Select(p => $"{p}/send, {p}/api/v1"));
        Log.HeraldStarted(
            _logger, string.Join(", ", addresses), webSocketPaths, publishPaths,
            options.MaxUserIdLength, options.MaxClientMessageBytes, options.MaxMessageBytes, options.MaxQueuedMessages, options.MaxQueuedBytes,
            options.LoginTimeout, options.KeepAliveInterval, options.KeepAliveTimeout, options.CloseTimeout, options.ShutdownTimeout,
            options.HistoryMaxMessages, options.HistoryMaxAge, options.HistoryMaxBytes);
        if (hostOptions.Value.ShutdownTimeout < options.ShutdownTimeout)
        {
            Log.ShutdownTimeoutCapped(_logger, options.ShutdownTimeout, hostOptions.Value.ShutdownTimeout);
        }

        ReportWebSocketProtections(webSocketPaths);
        var tls = addresses.Count(address => address.StartsWith("https:", StringComparison.OrdinalIgnoreCase));
        Log.Protection(_logger, "TLS", tls == 0 ? "off" : tls == addresses.Count ? "on" : "on for some addresses",
            tls == 0 ? "plain HTTP and ws://; configure a certificate on Kestrel:Endpoints, or terminate TLS at a proxy" : $"{tls} of {addresses.Count} addresses serve https:// and wss://");
        var (api, insecure) = apiAccess.Describe(publishPaths);
        Log.Protection(_logger, "API keys", insecure ? "off" : "on", insecure ? "loopback callers only, without a key" : "every call needs a key of its scope");
        if (insecure)
        {
            Log.InsecureDefault(_logger, api);
        }
        else
        {
            Log.ApiAccessInForce(_logger, api);
        }

        return Task.CompletedTask;
    }

    /// <summary>One line per protection of the WebSocket side, on or off, and a warning for each insecure default in force.</summary>
    private void ReportWebSocketProtections(string webSocketPaths)
    {
        Log.Protection(_logger, "anonymous login", authority.AllowsAnonymous ? "on" : "off",
            authority.AllowsAnonymous ? "{\"uid\":\"...\"} logs in as any user, unchecked" : "a login needs a token or the connect hook");
        Log.Protection(_logger, "origin check", origins.IsActive ? "on" : "off",
            origins.IsActive ? $"same origin, clients without Origin, and Herald:AllowedOrigins ({Describe(options.AllowedOrigins)})" : "any web page may open a WebSocket");
        ReportLimits();
        if (authority.AllowsAnonymous)
        {
            Log.InsecureDefault(_logger, authority.AuthenticationConfigured
                ? $"anonymous login is re-enabled (Herald:AllowAnonymousLogin=true) beside authentication: any client of {webSocketPaths} can log in as any user by sending {{\"uid\":\"...\"}}"
                : $"anonymous login: any client can log in as any user by sending {{\"uid\":\"...\"}}; configure tokens or the connect hook (docs/security.md), or expose {webSocketPaths} only to clients you trust");
        }

        if (authority.AnonymousTopicsOpen)
        {
            Log.InsecureDefault(_logger, "open topics: any logged-in herald.v1 client may subscribe to any topic; publish nothing to a topic that not every user may read");
        }
    }

    private static string Describe(string[] list) => list.Length == 0 ? "none" : string.Join(", ", list);

    /// <summary>The limits on clients (docs/configuration.md, "Limits on clients") and where a client's address comes from.</summary>
    private void ReportLimits()
    {
        var perIp = options.MaxConnectionsPerIp == 0
            ? "off"
            : $"{options.MaxConnectionsPerIp} ({(options.ExemptLoopbackFromIpLimit ? "loopback not counted" : "loopback counted")})";
        Log.Protection(_logger, "connection limits", "on",
            $"MaxConnectionsPerUser={options.MaxConnectionsPerUser}, MaxConnectionsPerIp={perIp}, MaxPendingLogins={options.MaxPendingLogins}, MaxTopicsPerConnection={options.MaxTopicsPerConnection}");
        Log.Protection(_logger, "message rate", options.ClientMessagesPerSecond > 0 ? "on" : "off",
            options.ClientMessagesPerSecond > 0
                ? $"ClientMessageBurst={options.ClientMessageBurst} at once, then ClientMessagesPerSecond={options.ClientMessagesPerSecond}; one more closes with 4006"
                : "Herald:ClientMessagesPerSecond is 0: a client may send as fast as it likes");
        var (proxies, networks) = clientAddresses.Known;
        Log.Protection(_logger, "forwarded headers", clientAddresses.IsActive ? "on" : "off",
            clientAddresses.IsActive
                ? $"{clientAddresses.HeaderName} names the client when the peer is a known proxy ({proxies} in KnownProxies, {networks} in KnownNetworks); from any other peer it is ignored"
                : "a client's address is its TCP peer's; behind a proxy, list it in Herald:ForwardedHeaders");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        sweeper.Dispose();
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        connections.StopAccepting();
        var open = connections.Connections.ToArray();
        var timeout = options.ShutdownTimeout < hostOptions.Value.ShutdownTimeout ? options.ShutdownTimeout : hostOptions.Value.ShutdownTimeout;
        Log.ShutdownStarted(_logger, open.Length, timeout.TotalSeconds);
        foreach (var connection in open)
        {
            // Shutdown's own deadline bounds these closes, so they get no close deadline of their own.
            connection.RequestClose(WebSocketCloseCodes.GoingAway, "server shutting down", discardQueued: false, abortAfter: Timeout.InfiniteTimeSpan);
        }

        try
        {
            await connections.WhenEmptyAsync(cancellationToken).WaitAsync(timeout, timeProvider, CancellationToken.None);
            Log.ShutdownCompleted(_logger);
            return;
        }
        catch (Exception exception) when (exception is OperationCanceledException or TimeoutException)
        {
            var remaining = connections.Connections.ToArray();
            Log.ShutdownAbortedConnections(_logger, remaining.Length);
            foreach (var connection in remaining)
            {
                connection.Abort("shutdown timeout");
            }
        }

        try
        {
            await connections.WhenEmptyAsync(CancellationToken.None).WaitAsync(AbortGrace, timeProvider, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            // Nothing more to do: the server's own shutdown closes whatever is left.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.HeraldStarted, LogLevel.Information, "Herald started on {Addresses} (WebSocket {WebSocketPaths}, publish {SendPaths}): MaxUserIdLength={MaxUserIdLength}, MaxClientMessageBytes={MaxClientMessageBytes}, MaxMessageBytes={MaxMessageBytes}, MaxQueuedMessages={MaxQueuedMessages}, MaxQueuedBytes={MaxQueuedBytes}, LoginTimeout={LoginTimeout}, KeepAliveInterval={KeepAliveInterval}, KeepAliveTimeout={KeepAliveTimeout}, CloseTimeout={CloseTimeout}, ShutdownTimeout={ShutdownTimeout}, HistoryMaxMessages={HistoryMaxMessages}, HistoryMaxAge={HistoryMaxAge}, HistoryMaxBytes={HistoryMaxBytes}", EventName = "HeraldStarted")]
        public static partial void HeraldStarted(ILogger logger, string addresses, string webSocketPaths, string sendPaths, int maxUserIdLength, int maxClientMessageBytes, int maxMessageBytes, int maxQueuedMessages, int maxQueuedBytes, TimeSpan loginTimeout, TimeSpan keepAliveInterval, TimeSpan keepAliveTimeout, TimeSpan closeTimeout, TimeSpan shutdownTimeout, int historyMaxMessages, TimeSpan historyMaxAge, long historyMaxBytes);

        [LoggerMessage(EventIds.Protection, LogLevel.Information, "Protection {Protection}: {State} ({Detail})", EventName = "Protection")]
        public static partial void Protection(ILogger logger, string protection, string state, string detail);

        [LoggerMessage(EventIds.UnknownConfigurationKey, LogLevel.Warning, "Configuration key {Key} is not a Herald setting and is ignored; {Hint}", EventName = "UnknownConfigurationKey")]
        public static partial void UnknownConfigurationKey(ILogger logger, string key, string hint);

        [LoggerMessage(EventIds.NotMapped, LogLevel.Warning, "AddHerald() was called but app.MapHerald() was not: Herald serves no endpoints", EventName = "NotMapped")]
        public static partial void NotMapped(ILogger logger);

        [LoggerMessage(EventIds.ShutdownTimeoutCapped, LogLevel.Warning, "Herald:ShutdownTimeout ({HeraldTimeout}) is longer than the host's ShutdownTimeout ({HostTimeout}); shutdown will be cut short at the host's", EventName = "ShutdownTimeoutCapped")]
        public static partial void ShutdownTimeoutCapped(ILogger logger, TimeSpan heraldTimeout, TimeSpan hostTimeout);

        [LoggerMessage(EventIds.InsecureDefault, LogLevel.Warning, "Insecure default in force: {Description}", EventName = "InsecureDefault")]
        public static partial void InsecureDefault(ILogger logger, string description);

        [LoggerMessage(EventIds.ApiAccessInForce, LogLevel.Information, "{Description}", EventName = "ApiAccessInForce")]
        public static partial void ApiAccessInForce(ILogger logger, string description);

        [LoggerMessage(EventIds.ShutdownStarted, LogLevel.Information, "Shutting down: closing {Connections} connections with 1001, waiting up to {TimeoutSeconds} s", EventName = "ShutdownStarted")]
        public static partial void ShutdownStarted(ILogger logger, int connections, double timeoutSeconds);

        [LoggerMessage(EventIds.ShutdownCompleted, LogLevel.Information, "Shutdown: every connection closed", EventName = "ShutdownCompleted")]
        public static partial void ShutdownCompleted(ILogger logger);

        [LoggerMessage(EventIds.ShutdownAbortedConnections, LogLevel.Warning, "Shutdown: aborting {Connections} connections that did not close in time", EventName = "ShutdownAbortedConnections")]
        public static partial void ShutdownAbortedConnections(ILogger logger, int connections);
    }
}
