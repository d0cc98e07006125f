using System.Threading.RateLimiting;

namespace Herald.Auth;

/// <summary>
/// The HTTP API's rate limit: a token bucket per caller (<see cref="ApiCaller.Partition"/>) holding
/// <c>Herald:Api:RequestBurst</c> requests, refilled with <c>Herald:Api:RequestsPerSecond</c> once a second; none when
/// that is 0. A bucket left full for 10 s is dropped, so memory follows the callers of the last seconds.
/// </summary>
internal sealed class ApiRateLimiter : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly PartitionedRateLimiter<string>? _limiter;

    public ApiRateLimiter(HeraldOptions options)
    {
        var api = options.Api;
        if (api.RequestsPerSecond == 0)
        {
            return;
        }

        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = api.RequestBurst,
            TokensPerPeriod = api.RequestsPerSecond,
            ReplenishmentPeriod = Period,
            QueueLimit = 0,

            // The partitioned limiter's own timer refills every bucket: no timer per caller.
            AutoReplenishment = false,
        };

        // Made once: the partitioner runs for every request and must not allocate a factory each time.
        Func<string, RateLimiter> factory = _ => new TokenBucketRateLimiter(bucket);
        _limiter = PartitionedRateLimiter.Create<string, string>(partition => new RateLimitPartition<string>(partition, factory));
    }

    /// <summary>Takes one request from the caller's bucket.</summary>
    /// <returns>False when the bucket is empty; <paramref name="retryAfter"/> then says when it has a request again.</returns>
    public bool TryAcquire(string partition, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (_limiter is null)
        {
            return true;
        }

        using var lease = _limiter.AttemptAcquire(partition);
        if (lease.IsAcquired)
        {
            return true;
        }

        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : Period;
        return false;
    }

    public void Dispose() => _limiter?.Dispose();
}
