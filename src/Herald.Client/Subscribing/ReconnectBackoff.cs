namespace Herald.Client.Subscribing;

/// <summary>
/// Exponential backoff with full jitter: the wait before attempt <c>n</c> is uniformly random between zero and
/// <c>min(MaxDelay, InitialDelay × Multiplier^(n-1))</c>, so that clients cut off together (a server shutting down)
/// do not all come back at the same instant.
/// </summary>
internal static class ReconnectBackoff
{
    /// <summary>The ceiling of the wait before reconnect attempt <paramref name="attempt"/> (1 for the first).</summary>
    public static TimeSpan Ceiling(HeraldReconnectPolicy policy, int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);

        // In doubles, so that a long outage saturates at MaxDelay instead of overflowing.
        var ceiling = policy.InitialDelay.TotalMilliseconds * Math.Pow(policy.Multiplier, attempt - 1);
        return ceiling >= policy.MaxDelay.TotalMilliseconds ? policy.MaxDelay : TimeSpan.FromMilliseconds(ceiling);
    }

    /// <summary>The wait before attempt <paramref name="attempt"/>, for a <paramref name="random"/> value in [0, 1).</summary>
    public static TimeSpan Delay(HeraldReconnectPolicy policy, int attempt, double random) =>
        TimeSpan.FromMilliseconds(Ceiling(policy, attempt).TotalMilliseconds * random);
}
