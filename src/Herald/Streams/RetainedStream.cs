namespace Herald.Streams;

/// <summary>
/// One stream as the in-memory history keeps it: its epoch and last seq, and an entry per kept message, oldest
/// first, whose record is in the history's byte log. The entries are structs without references, so however many
/// a stream keeps, the garbage collector traces none of them.
/// </summary>
internal sealed class RetainedStream(string name, string epoch, int slot)
{
    public string Name { get; } = name;

    public string Epoch { get; } = epoch;

    /// <summary>Where the history's age queue finds this stream: its index in the history's table of streams.</summary>
    public int Slot { get; } = slot;

    public long LastSeq { get; set; }

    public DateTimeOffset LastPublishedAt { get; set; }

    /// <summary>The kept messages, oldest first; their seqs run without a gap up to <see cref="LastSeq"/>.</summary>
    public Queue<RetainedEntry> Messages { get; } = new();
}

/// <summary>A kept message of one stream: its seq, its time (UTC ticks) and where its record lies in the byte log.</summary>
internal readonly record struct RetainedEntry(long Seq, long UtcTicks, long Position, int Length);
