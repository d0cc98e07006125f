namespace Herald.Client;

/// <summary>
/// The subscriber went on a stream: at login (its user stream and <c>broadcast</c>) and for each topic, on every
/// connection. When it resumed, <see cref="Outcome"/> says whether anything was lost while it was away.
/// </summary>
/// <param name="Stream">The stream: <c>user:&lt;uid&gt;</c>, <c>topic:&lt;name&gt;</c> or <c>broadcast</c>.</param>
/// <param name="Epoch">The stream's epoch once the replayed messages are read; null when the stream has no history yet.</param>
/// <param name="Seq">The stream's sequence number once the replayed messages are read; 0 when it has no history yet.</param>
/// <param name="Outcome">Live, recovered, or not recovered (messages were missed).</param>
/// <param name="Reason">
/// Why the stream could not be recovered: <c>window_exceeded</c> (messages after the subscriber's position left
/// the history) or <c>epoch_changed</c> (the history started over: a server restart, or the stream expired).
/// Null otherwise.
/// </param>
/// <param name="Replayed">How many kept messages follow, replayed before the live ones.</param>
public sealed record HeraldStreamJoined(string Stream, string? Epoch, long Seq, HeraldResumeOutcome Outcome, string? Reason, int Replayed)
{
    /// <summary>
    /// True when messages of this stream were lost for good (<see cref="HeraldResumeOutcome.NotRecovered"/>): reload
    /// the state they would have changed from the application, then carry on with the messages that follow.
    /// </summary>
    public bool MissedMessages => Outcome == HeraldResumeOutcome.NotRecovered;
}

/// <summary>What joining a stream gave the subscriber.</summary>
public enum HeraldResumeOutcome
{
    /// <summary>Nothing to resume (the first time on the stream): it starts with the next message published.</summary>
    Live,

    /// <summary>Resumed: every message since the subscriber's position was replayed; nothing was lost.</summary>
    Recovered,

    /// <summary>Resumed with a gap: some messages since the subscriber's position are gone; what was kept is replayed.</summary>
    NotRecovered,
}
