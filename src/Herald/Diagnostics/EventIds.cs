namespace Herald.Diagnostics;

/// <summary>
/// Every log event id this assembly writes, in one table so they stay unique (a test checks).
/// Hundreds group the concern: 1xx hosting, 2xx connections, 3xx publishing and other requests to the hub, 4xx
/// authentication (40x who may call the HTTP API, 41x tokens, 43x the connect hook) and the limits on clients (44x,
/// with where a client's address comes from).
/// </summary>
internal static class EventIds
{
    public const int HeraldStarted = 100;
    public const int InsecureDefault = 101;
    public const int ShutdownStarted = 102;
    public const int ShutdownCompleted = 103;
    public const int ShutdownAbortedConnections = 104;
    public const int NotMapped = 105;
    public const int ShutdownTimeoutCapped = 106;
    public const int DirectPathBeforeTls = 107;
    public const int Protection = 108;
    public const int UnknownConfigurationKey = 109;

    public const int ConnectionOpened = 200;
    public const int ConnectionLoggedIn = 201;
    public const int ConnectionClosed = 202;
    public const int ClientMessageIgnored = 203;
    public const int LoginRejected = 204;
    public const int LoginTimedOut = 205;
    public const int ClientMessageTooLarge = 206;
    public const int SlowConsumerDisconnected = 207;
    public const int ConnectionFailed = 208;
    public const int UpgradeRefused = 209;
    public const int ProtocolViolation = 210;
    public const int CommandRefused = 211;
    public const int ResumeIncomplete = 212;
    public const int KeepAlivePingsDeferred = 213;
    public const int UpgradeDeclined = 214;

    /// <summary>A connection's refusals over its <see cref="LogBudget"/>: how many were not logged (docs/operations.md).</summary>
    public const int RefusalsNotLogged = 215;

    public const int CredentialExpired = 216;
    public const int CredentialRefreshed = 217;
    public const int SocketAccepted = 218;
    public const int JoinUnavailable = 219;

    public const int PublishRejected = 300;
    public const int UserDisconnected = 301;
    public const int BatchItemsRefused = 302;
    public const int DirectSendFailed = 303;

    public const int ApiRequestAccepted = 400;
    public const int ApiKeyRefused = 401;
    public const int ApiScopeRefused = 402;
    public const int ApiCallerNotLoopback = 403;
    public const int ApiRateLimited = 404;
    public const int ApiAccessInForce = 405;

    public const int TokenKeysLoaded = 410;
    public const int TokenKeysLoadFailed = 411;
    public const int TokenKeyUnknown = 412;
    public const int TokenKeySkipped = 413;
    public const int TokenChecksMissing = 414;

    public const int ConnectHookRefused = 430;
    public const int ConnectHookFailed = 431;
    public const int ConnectHookBreakerOpened = 432;
    public const int ConnectHookBreakerHalfOpen = 433;
    public const int ConnectHookBreakerClosed = 434;
    public const int ConnectHookShortCircuited = 435;
    public const int ConnectHookAccepted = 436;

    public const int UserConnectionLimitReached = 440;
    public const int AddressConnectionLimitReached = 441;
    public const int PendingLoginLimitReached = 442;
    public const int MessageRateExceeded = 443;

    /// <summary>Upgrades refused by a limit over that limit's shared <see cref="LogBudget"/>: how many were not logged.</summary>
    public const int LimitRefusalsNotLogged = 444;
}
