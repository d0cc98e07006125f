namespace Herald.Diagnostics;

/// <summary>
/// The log categories operators filter on (docs/configuration.md, "Logging"). They are public names, not class
/// names (as Kestrel names its categories): moving or renaming a class never breaks a filter.
/// </summary>
internal static class LogCategories
{
    /// <summary>Start-up report, warnings and shutdown.</summary>
    public const string Lifecycle = "Herald.Hosting.HeraldLifecycleService";

    /// <summary>Everything about one WebSocket after its handshake: the engine's events and its session's.</summary>
    public const string Connections = "Herald.Connections.ClientConnection";

    /// <summary>The shared timer behind every connection's deadlines and keep-alive pings.</summary>
    public const string KeepAlive = "Herald.Connections.ConnectionSweeper";

    /// <summary>Upgrades the direct WebSocket path left to ASP.NET Core, and why.</summary>
    public const string DirectPath = "Herald.Connections.DirectWebSocketMiddleware";

    /// <summary>Refused requests to the WebSocket endpoint.</summary>
    public const string Upgrades = "Herald.Connections.WebSocketEndpoint";

    /// <summary>Refused <c>/send</c> requests.</summary>
    public const string Send = "Herald.Api.SendEndpoint";

    /// <summary>Refused <c>POST /api/v1/publish</c> and <c>/batch</c> requests.</summary>
    public const string Publish = "Herald.Api.PublishEndpoint";

    /// <summary>The connect hook's calls to the application's backend, and its circuit breaker.</summary>
    public const string ConnectHook = "Herald.Auth.ConnectHook";

    /// <summary>Token (JWT) keys: loading them, refreshing the JWKS, and the token checks left out.</summary>
    public const string Tokens = "Herald.Auth.Tokens";

    /// <summary>Who called the HTTP API: accepted API keys (Debug), refusals (401, 403) and the rate limit (429).</summary>
    public const string ApiAccess = "Herald.Auth.ApiAccess";

    /// <summary>What the hub does on request (disconnecting a user).</summary>
    public const string Hub = "Herald.HeraldHub";
}
