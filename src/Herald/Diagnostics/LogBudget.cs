namespace Herald.Diagnostics;

/// <summary>
/// One connection's budget of log lines for what its client can cause over and over without being closed
/// (refused commands, ignored messages): the first <see cref="LinesPerWindow"/> lines are logged, then at most
/// <see cref="LinesPerWindow"/> per <see cref="Window"/>, each window starting at the first line it logs. The lines
/// over budget are counted, so that the caller can say how many it left out, once: with the next line it logs, or
/// when the connection ends (<see cref="TakeSuppressed"/>). docs/operations.md describes what an operator sees.
/// </summary>
/// <remarks>
/// Not thread-safe: one connection's receive loop uses it. Timestamps come from the connection's
/// <see cref="TimeProvider"/> (<see cref="TimeProvider.GetTimestamp"/>), so tests drive it with a fake clock.
/// </remarks>
internal sealed class LogBudget
{
    /// <summary>How many lines a connection may log at first, and again in each later window.</summary>
    public const int LinesPerWindow = 10;

    /// <summary>How long a window lasts once its first line is logged.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly long _windowTicks;
    private long _windowStart;
    private int _taken;
    private long _suppressed;

    /// <param name="timeProvider">The clock whose <see cref="TimeProvider.GetTimestamp"/> the caller passes to <see cref="TryTake"/>.</param>
    public LogBudget(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _windowTicks = (long)(Window.TotalSeconds * timeProvider.TimestampFrequency);
    }

    /// <summary>Lines refused since the count was last taken, not yet reported.</summary>
    public long Suppressed => _suppressed;

    /// <summary>Whether the line may be logged now; when not, it is counted in <see cref="Suppressed"/>.</summary>
    /// <param name="timestamp">Now, as the connection's <see cref="TimeProvider.GetTimestamp"/>.</param>
    public bool TryTake(long timestamp)
    {
        if (_taken > 0 && timestamp - _windowStart >= _windowTicks)
        {
            _taken = 0;
        }

        if (_taken == 0)
        {
            _windowStart = timestamp;
        }

        if (_taken < LinesPerWindow)
        {
            _taken++;
            return true;
        }

        _suppressed++;
        return false;
    }

    /// <summary>
    /// The lines refused since the last call, for the one "and N more not logged" line; the count starts again from
    /// 0. Call it after a line <see cref="TryTake"/> allowed, and when the connection ends; report only when it is above 0.
    /// </summary>
    public long TakeSuppressed()
    {
        var suppressed = _suppressed;
        _suppressed = 0;
        return suppressed;
    }
}
