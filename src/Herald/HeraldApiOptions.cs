namespace Herald;

/// <summary>
/// Who may call the HTTP API (<c>/send</c> and <c>/api/v1/*</c>), and how often: the <c>Herald:Api</c> section.
/// docs/security.md explains the keys, docs/configuration.md every setting.
/// </summary>
public sealed class HeraldApiOptions
{
    /// <summary>Default for <see cref="RequestsPerSecond"/>.</summary>
    public const int DefaultRequestsPerSecond = 1000;

    /// <summary>Default for <see cref="RequestBurst"/>.</summary>
    public const int DefaultRequestBurst = 2000;

    /// <summary>
    /// The API keys, by name: the name appears in logs and metrics, never the key. With none, only loopback callers
    /// may use the HTTP API; with any, every caller needs one.
    /// </summary>
    public Dictionary<string, HeraldApiKeyOptions> Keys { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Requests a second each caller may make on average (an API key, or a client IP without one); 0 turns the limit off.</summary>
    public int RequestsPerSecond { get; set; } = DefaultRequestsPerSecond;

    /// <summary>Requests each caller may make at once, above its rate, before it gets 429.</summary>
    public int RequestBurst { get; set; } = DefaultRequestBurst;

    /// <summary>
    /// Answers the seed's <c>GET /send</c> on Herald's socket transport, before ASP.NET Core, whenever ASP.NET Core's
    /// own answer could only be 200: a loopback caller while no key is configured, a valid uid and message, a plain
    /// request head. Everything else still goes through ASP.NET Core. The app's middleware, and ASP.NET Core's
    /// request logs and metrics, do not see the requests it answers, so it is off unless turned on (the standalone
    /// host turns it on).
    /// </summary>
    public bool DirectSend { get; set; }
}
