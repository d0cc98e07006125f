using StackExchange.Redis;

namespace Herald.Redis;

/// <summary>
/// Which Redis failures mean "the cluster cannot answer now" rather than a bug: no connection, no reply within
/// CommandTimeout, or a server that refuses commands for a while (loading its data, a replica without its master,
/// a read-only replica after a failover, a cluster slot moving, memory full). They become
/// <see cref="BackplaneUnavailableException"/>, which the API answers with 503.
/// </summary>
internal static class RedisUnavailable
{
    private static readonly string[] PassingErrors = ["LOADING", "MASTERDOWN", "READONLY", "CLUSTERDOWN", "TRYAGAIN", "BUSY", "OOM"];

    /// <summary>
    /// True for a failure that passes once Redis is back. <see cref="TimeoutException"/> covers StackExchange.Redis's
    /// own timeout and Herald's (an idempotency key still claimed after its lease).
    /// </summary>
    public static bool Is(Exception exception) => exception switch
    {
        RedisConnectionException or TimeoutException => true,
        RedisServerException server => Array.Exists(PassingErrors, prefix => server.Message.StartsWith(prefix, StringComparison.Ordinal)),
        _ => false,
    };

    /// <summary>The failure as Herald's core knows it: retry once Redis has had CommandTimeout to come back.</summary>
    public static BackplaneUnavailableException From(Exception exception, HeraldRedisOptions options) =>
        new($"Redis is unreachable or not answering: {exception.Message}", RetryAfter(options), exception);

    private static TimeSpan RetryAfter(HeraldRedisOptions options) =>
        TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(options.CommandTimeout.TotalSeconds)));
}
