namespace Herald.Streams;

/// <summary>How a resume compared with the stream's history (docs/protocol.md, "joined").</summary>
internal enum ResumeOutcome
{
    /// <summary>Everything after the client's position was still kept.</summary>
    Recovered,

    /// <summary>Same epoch, but messages after the client's position have left the history.</summary>
    WindowExceeded,

    /// <summary>The client's epoch is not the stream's (or its position is ahead of the stream).</summary>
    EpochChanged,
}

/// <summary>A connection's join of a stream: where it now stands, and, when it asked to resume, how that went.</summary>
internal readonly record struct JoinResult(StreamPosition Position, ResumeOutcome? Resume, int Replayed);
