namespace Herald.Streams;

/// <summary>How a resume position compares with what a stream keeps: the one rule every history applies.</summary>
internal static class ResumeComparison
{
    /// <param name="from">The client's position.</param>
    /// <param name="epoch">The stream's epoch.</param>
    /// <param name="lastSeq">The stream's last seq.</param>
    /// <param name="firstKept">The seq of the oldest message still kept; <paramref name="lastSeq"/> + 1 when none is.</param>
    /// <param name="replayAfter">The seq after which the kept messages are replayed.</param>
    public static ResumeOutcome Compare(StreamPosition from, string epoch, long lastSeq, long firstKept, out long replayAfter)
    {
        replayAfter = 0;
        if (from.Epoch is null)
        {
            return firstKept <= 1 ? ResumeOutcome.Recovered : ResumeOutcome.WindowExceeded;
        }

        if (from.Epoch != epoch || from.Seq > lastSeq)
        {
            return ResumeOutcome.EpochChanged;
        }

        if (from.Seq >= firstKept - 1)
        {
            replayAfter = from.Seq;
            return ResumeOutcome.Recovered;
        }

        return ResumeOutcome.WindowExceeded;
    }

    /// <summary>The answer for a stream with no epoch (never published to, or forgotten).</summary>
    public static ResumeOutcome? WithoutEpoch(StreamPosition? after) =>
        after is not { } position ? null
        : position.Epoch is null ? ResumeOutcome.Recovered
        : ResumeOutcome.EpochChanged;
}
