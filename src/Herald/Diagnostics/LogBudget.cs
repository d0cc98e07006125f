namespace Herald.Diagnostics;

/// <summary>Placeholder until the log-safety branch lands.</summary>
internal struct LogBudget
{
    private int _taken;

    public bool TryTake(long now, long frequency, out int suppressed)
    {
        _ = now;
        _ = frequency;
        _taken++;
        suppressed = 0;
        return true;
    }
}
