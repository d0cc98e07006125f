namespace Herald.Client;

/// <summary>
/// How a subscriber waits between connection attempts: exponential backoff with full jitter. The wait before
/// attempt <c>n</c> (counted from 1 since the last connection that logged in) is uniformly random between zero and
/// <c>min(<see cref="MaxDelay"/>, <see cref="InitialDelay"/> × <see cref="Multiplier"/>^(n-1))</c>.
/// </summary>
public sealed record HeraldReconnectPolicy
{
    /// <summary>The default <see cref="InitialDelay"/>: 500 ms.</summary>
    public static readonly TimeSpan DefaultInitialDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>The default <see cref="MaxDelay"/>: 30 s.</summary>
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(30);

    /// <summary>The default <see cref="Multiplier"/>: 2.</summary>
    public const double DefaultMultiplier = 2;

    /// <summary>The defaults: 500 ms, doubling up to 30 s, forever.</summary>
    public static HeraldReconnectPolicy Default { get; } = new();

    /// <summary>The ceiling of the first wait; more than zero.</summary>
    public TimeSpan InitialDelay { get; init; } = DefaultInitialDelay;

    /// <summary>The ceiling no wait goes above; at least <see cref="InitialDelay"/>.</summary>
    public TimeSpan MaxDelay { get; init; } = DefaultMaxDelay;

    /// <summary>How much the ceiling grows with each failed attempt; at least 1.</summary>
    public double Multiplier { get; init; } = DefaultMultiplier;

    /// <summary>
    /// How many attempts in a row may fail before the subscriber gives up and closes; null (the default) for no
    /// limit. An attempt fails when it does not log in, or when its connection is closed for the client's message
    /// rate (4006); the first connection counts too.
    /// </summary>
    public int? MaxAttempts { get; init; }

    internal void Validate(string name)
    {
        if (InitialDelay <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{name}.{nameof(InitialDelay)} must be more than zero (was {InitialDelay}).", name);
        }

        if (MaxDelay < InitialDelay)
        {
            throw new ArgumentException($"{name}.{nameof(MaxDelay)} must be at least {nameof(InitialDelay)} ({InitialDelay}) (was {MaxDelay}).", name);
        }

        if (!(Multiplier >= 1) || double.IsInfinity(Multiplier))
        {
            throw new ArgumentException($"{name}.{nameof(Multiplier)} must be a finite number of at least 1 (was {Multiplier}).", name);
        }

        if (MaxAttempts < 1)
        {
            throw new ArgumentException($"{name}.{nameof(MaxAttempts)} must be at least 1, or null for no limit (was {MaxAttempts}).", name);
        }
    }
}
