namespace Herald.Streams;

/// <summary>
/// A place in a stream: the last <paramref name="Seq"/> seen in <paramref name="Epoch"/>. A null epoch with seq 0
/// is the place before the stream's first message ("I have seen nothing").
/// </summary>
internal readonly record struct StreamPosition(string? Epoch, long Seq)
{
    public static readonly StreamPosition Start = new(null, 0);
}
