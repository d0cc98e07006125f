namespace Herald.Protocol;

/// <summary>
/// How many messages a client may send: a token bucket of <see cref="Burst"/> tokens, refilled continuously at
/// <see cref="PerSecond"/> a second, one token taken per data message and none waited for. That is the token-bucket
/// rule of System.Threading.RateLimiting's <c>TokenBucketRateLimiter</c> (TokenLimit = burst, TokensPerPeriod per
/// ReplenishmentPeriod = the rate, QueueLimit = 0), but its state is one <see langword="long"/> in each session
/// rather than a limiter object per connection, about 190 bytes more for every idle connection (docs/benchmarks.md),
/// and its clock is the server's <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
/// <remarks>
/// The state is the timestamp at which the bucket will be full again (the virtual scheduling form of the same
/// rule, GCRA): tokens missing now = (fullAt − now) / interval, so a message may pass while at most burst − 1 are
/// missing, and each one that passes moves fullAt an interval later.
/// </remarks>
internal sealed class MessageRateLimit
{
    private readonly long _interval;
    private readonly long _tolerance;

    public MessageRateLimit(int perSecond, int burst, TimeProvider timeProvider)
    {
        PerSecond = perSecond;
        Burst = burst;
        _interval = Math.Max(1, timeProvider.TimestampFrequency / perSecond);
        _tolerance = (burst - 1) * _interval;
    }

    public int PerSecond { get; }

    public int Burst { get; }

    /// <summary>Takes a token for one message, unless the bucket is empty.</summary>
    /// <param name="fullAt">The connection's bucket: when it will be full again, as a timestamp; 0 for a new one.</param>
    /// <param name="now">Now, as the server's <see cref="TimeProvider.GetTimestamp"/>.</param>
    /// <returns>False when the message is over the rate; the bucket is left as it was.</returns>
    public bool TryTake(ref long fullAt, long now)
    {
        var from = Math.Max(fullAt, now);
        if (from - now > _tolerance)
        {
            return false;
        }

        fullAt = from + _interval;
        return true;
    }
}
