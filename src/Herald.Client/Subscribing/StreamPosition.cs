namespace Herald.Client.Subscribing;

/// <summary>
/// A place in a stream: the <paramref name="Epoch"/> and <paramref name="Seq"/> of the last message seen, or of the
/// last <c>joined</c>. A null epoch with seq 0 means "nothing seen yet" (the stream had no history when joined).
/// </summary>
internal readonly record struct StreamPosition(string? Epoch, long Seq);
