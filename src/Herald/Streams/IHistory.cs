namespace Herald.Streams;

/// <summary>
/// The bounded window of every stream that a joining connection resumes from. The in-memory history serves one
/// node; the Redis history (a later issue) implements the same seam for several. Appending is not part of it:
/// a message must be appended and delivered in one step, so that belongs to the backplane that delivers it.
/// </summary>
internal interface IHistory
{
    /// <summary>
    /// Compares <paramref name="after"/> with what the stream keeps, and returns the stream's head and the messages
    /// to replay. A null <paramref name="after"/> asks for the head only (a live join).
    /// </summary>
    ValueTask<HistoryRead> ReadAsync(StreamId stream, StreamPosition? after, CancellationToken cancellationToken);
}

/// <summary>
/// What a stream holds after a position: its head (a null epoch and seq 0 when it has no history), how the position
/// compared (null for a live join) and the messages after it, oldest first.
/// </summary>
internal readonly record struct HistoryRead(StreamPosition Head, ResumeOutcome? Outcome, IReadOnlyList<StreamMessage> Messages);
