namespace Herald.Auth;

/// <summary>How one check of the connect hook ended (the metric's <c>outcome</c>); all but the first two make it unavailable (4013).</summary>
internal enum ConnectHookOutcome
{
    /// <summary>The backend answered 200 with a usable answer that accepts.</summary>
    Accepted,

    /// <summary>The backend refused (401 or 403, <c>"allowed": false</c>, or an expiry already past).</summary>
    Refused,

    /// <summary>The backend answered another status, or could not be reached.</summary>
    Error,

    /// <summary>No whole answer within the hook's timeout.</summary>
    Timeout,

    /// <summary>A 200 whose body is not the answer the contract describes, or is too large.</summary>
    InvalidAnswer,

    /// <summary>Not called: the circuit breaker is open.</summary>
    BreakerOpen,
}
