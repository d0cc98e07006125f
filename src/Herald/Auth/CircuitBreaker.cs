namespace Herald.Auth;

/// <summary>What a <see cref="CircuitBreaker"/> lets a check do.</summary>
internal enum BreakerPass
{
    /// <summary>Closed: make the call, and report how it went.</summary>
    Call,

    /// <summary>Half-open: make the one trial call that decides whether the breaker closes, and report how it went.</summary>
    Trial,

    /// <summary>Open (or a trial is under way): do not call; the check is unavailable.</summary>
    Rejected,
}

/// <summary>How a reported result changed a <see cref="CircuitBreaker"/>.</summary>
internal enum BreakerChange
{
    /// <summary>No change of state.</summary>
    None,

    /// <summary>The failures in a row reached the limit: open.</summary>
    Opened,

    /// <summary>The trial failed: open again.</summary>
    Reopened,

    /// <summary>The trial succeeded: closed.</summary>
    Closed,
}

/// <summary>
/// Stops calling a backend that keeps failing, so that a dead or overloaded backend costs each login nothing but
/// an immediate "unavailable" and gets time to recover: after <c>failuresToOpen</c> failures in a row it opens
/// for <c>openDuration</c>, then lets one trial call through (half-open), which closes it or opens it again.
/// Results of calls let through before it opened are ignored once it has. Thread-safe; time from the
/// <see cref="TimeProvider"/>, so tests move it.
/// </summary>
internal sealed class CircuitBreaker(int failuresToOpen, TimeSpan openDuration, TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private State _state;
    private int _failures;
    private long _openedAt;
    private bool _trialUnderway;

    private enum State
    {
        Closed,
        Open,
        HalfOpen,
    }

    public int FailuresToOpen => failuresToOpen;

    public TimeSpan OpenDuration => openDuration;

    /// <summary>Whether checks are turned away without a call (all but one trial, once the open time has passed): open or half-open.</summary>
    public bool IsOpen
    {
        get
        {
            lock (_lock)
            {
                return _state != State.Closed;
            }
        }
    }

    public BreakerPass TryPass()
    {
        lock (_lock)
        {
            if (_state == State.Closed)
            {
                return BreakerPass.Call;
            }

            if (_state == State.Open && timeProvider.GetElapsedTime(_openedAt) >= openDuration)
            {
                _state = State.HalfOpen;
            }

            if (_state == State.HalfOpen && !_trialUnderway)
            {
                _trialUnderway = true;
                return BreakerPass.Trial;
            }

            return BreakerPass.Rejected;
        }
    }

    public BreakerChange Succeeded(BreakerPass pass)
    {
        lock (_lock)
        {
            if (pass == BreakerPass.Trial)
            {
                _state = State.Closed;
                _trialUnderway = false;
                _failures = 0;
                return BreakerChange.Closed;
            }

            if (pass == BreakerPass.Call && _state == State.Closed)
            {
                _failures = 0;
            }

            return BreakerChange.None;
        }
    }

    public BreakerChange Failed(BreakerPass pass)
    {
        lock (_lock)
        {
            if (pass == BreakerPass.Trial)
            {
                Open();
                return BreakerChange.Reopened;
            }

            if (pass == BreakerPass.Call && _state == State.Closed && ++_failures >= failuresToOpen)
            {
                Open();
                return BreakerChange.Opened;
            }

            return BreakerChange.None;
        }
    }

    /// <summary>The call was given up for a reason that says nothing of the backend (its caller went away): the next check may be the trial.</summary>
    public void Abandoned(BreakerPass pass)
    {
        if (pass != BreakerPass.Trial)
        {
            return;
        }

        lock (_lock)
        {
            _trialUnderway = false;
        }
    }

    private void Open()
    {
        _state = State.Open;
        _trialUnderway = false;
        _failures = 0;
        _openedAt = timeProvider.GetTimestamp();
    }
}
