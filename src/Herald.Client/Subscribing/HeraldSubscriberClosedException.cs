namespace Herald.Client;

/// <summary>
/// The subscriber has closed for good (see <see cref="HeraldSubscriberStatus.Closed"/>): before its first
/// connection, for <see cref="HeraldSubscriber.StartAsync"/>, or before a topic command could be made.
/// </summary>
public sealed class HeraldSubscriberClosedException : Exception
{
    /// <summary>Creates the exception for a subscriber in its final <paramref name="state"/>.</summary>
    public HeraldSubscriberClosedException(HeraldSubscriberState state)
        : base(Describe(state), state?.Error)
    {
        State = state!;
    }

    /// <summary>The subscriber's final state: the close code and reason, or the error, that ended it.</summary>
    public HeraldSubscriberState State { get; }

    private static string Describe(HeraldSubscriberState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.CloseStatus is { } code
            ? $"The Herald subscriber has closed: close code {code}{(string.IsNullOrEmpty(state.CloseReason) ? "" : $" '{state.CloseReason}'")}."
            : $"The Herald subscriber has closed: {state.Error?.Message ?? "it was disposed"}.";
    }
}
