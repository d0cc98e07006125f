namespace Herald;

/// <summary>
/// The connect hook, bound from <c>Herald:ConnectHook</c>: for applications that know their users by their own
/// session cookies, Herald asks a backend URL who a WebSocket's upgrade request is (and, optionally, whether it may
/// subscribe to a topic). Off until <see cref="Url"/> is set. docs/security.md describes the request and the answer.
/// </summary>
public sealed class HeraldConnectHookOptions
{
    /// <summary>Default for <see cref="BreakerFailures"/>.</summary>
    public const int DefaultBreakerFailures = 5;

    /// <summary>Default for <see cref="Timeout"/>.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Default for <see cref="BreakerDuration"/>.</summary>
    public static readonly TimeSpan DefaultBreakerDuration = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The absolute <c>http</c> or <c>https</c> URL Herald POSTs each upgrade's cookies and headers to; setting it
    /// turns the hook on (and anonymous logins off, unless <see cref="HeraldOptions.AllowAnonymousLogin"/> is set).
    /// </summary>
    public Uri? Url { get; set; }

    /// <summary>How long one call to the hook may take, answer included; must be shorter than <see cref="HeraldOptions.LoginTimeout"/>.</summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>
    /// Names of the upgrade's headers the hook is given besides <c>Cookie</c> and <c>Origin</c>, which it always
    /// gets (for example <c>User-Agent</c>, <c>X-Request-Id</c>). No other header of the client's leaves Herald.
    /// </summary>
    public IList<string> ForwardHeaders { get; } = [];

    /// <summary>
    /// Headers Herald sets on its own request to the hook, by name, for example a shared secret
    /// (<c>Authorization: Bearer ...</c>) that tells the backend the request comes from Herald. Never logged.
    /// </summary>
    public IDictionary<string, string> RequestHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether a subscribe to a topic that a connection's own grants do not cover is asked of the hook (else refused).</summary>
    public bool CheckSubscribes { get; set; }

    /// <summary>Where subscribe checks go when they should not go to <see cref="Url"/>; unset, they go to <see cref="Url"/>.</summary>
    public Uri? SubscribeUrl { get; set; }

    /// <summary>Consecutive failed calls after which the hook is not called for <see cref="BreakerDuration"/> (its circuit breaker opens).</summary>
    public int BreakerFailures { get; set; } = DefaultBreakerFailures;

    /// <summary>How long an open circuit breaker answers every check "unavailable" before it lets one trial call through.</summary>
    public TimeSpan BreakerDuration { get; set; } = DefaultBreakerDuration;
}
