namespace Herald;

/// <summary>
/// The cluster's shared store (Redis, with <c>AddRedis()</c>) cannot answer now: it is unreachable, restarting,
/// or did not answer within its command timeout. Nothing is lost for good: retry after <see cref="RetryAfter"/>.
/// The HTTP API answers it with 503 and a <c>Retry-After</c> header; a herald.v1 join closes with 1013.
/// </summary>
/// <remarks>
/// A publish refused with it was not accepted, but when its command was sent and its reply lost (a timeout) it may
/// have been published all the same: retry with an idempotency key to publish exactly once (docs/scaling.md).
/// </remarks>
public sealed class BackplaneUnavailableException : Exception
{
    /// <summary>A generic failure, for serializers and the like; Herald gives the cause.</summary>
    public BackplaneUnavailableException()
        : this("the cluster's backplane is unavailable", TimeSpan.FromSeconds(1), null)
    {
    }

    /// <param name="message">What failed, for logs.</param>
    public BackplaneUnavailableException(string message)
        : this(message, TimeSpan.FromSeconds(1), null)
    {
    }

    /// <param name="message">What failed, for logs.</param>
    /// <param name="innerException">The store's own failure.</param>
    public BackplaneUnavailableException(string message, Exception? innerException)
        : this(message, TimeSpan.FromSeconds(1), innerException)
    {
    }

    /// <param name="message">What failed, for logs.</param>
    /// <param name="retryAfter">How long to wait before a retry may find the store back.</param>
    /// <param name="innerException">The store's own failure.</param>
    public BackplaneUnavailableException(string message, TimeSpan retryAfter, Exception? innerException)
        : base(message, innerException)
    {
        RetryAfter = retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.FromSeconds(1);
    }

    /// <summary>How long to wait before a retry may find the store back; always above zero.</summary>
    public TimeSpan RetryAfter { get; }
}
