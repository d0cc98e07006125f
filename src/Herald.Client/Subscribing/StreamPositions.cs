namespace Herald.Client.Subscribing;

/// <summary>
/// The subscriber's place in every stream, kept across connections: what it resumes from, and what it has already
/// handed over, so that no message reaches the application twice. Not thread-safe: the subscriber guards it with
/// its lock.
/// </summary>
internal sealed class StreamPositions
{
    private readonly Dictionary<string, StreamPosition> _positions = new(StringComparer.Ordinal);

    /// <summary>The position to resume <paramref name="stream"/> from; null when the subscriber was never on it.</summary>
    public StreamPosition? Get(string stream) => _positions.TryGetValue(stream, out var position) ? position : null;

    /// <summary>
    /// True when the message at <paramref name="epoch"/>/<paramref name="seq"/> comes after the position: a new
    /// epoch (the stream started over), or a later seq in the same one. A replayed seq the application already
    /// has is not new.
    /// </summary>
    public bool IsNew(string stream, string epoch, long seq) =>
        !_positions.TryGetValue(stream, out var position) || !string.Equals(position.Epoch, epoch, StringComparison.Ordinal) || seq > position.Seq;

    /// <summary>Records that the message at <paramref name="epoch"/>/<paramref name="seq"/> was handed over.</summary>
    public void Advance(string stream, string epoch, long seq) => _positions[stream] = new StreamPosition(epoch, seq);

    /// <summary>
    /// Applies a <c>joined</c>. Its position is where the stream will be once the <paramref name="replayed"/>
    /// messages that follow it are read. With none to follow, that is the position now. With some, the position
    /// moves as each one is handed over: taking it now would lose the rest of the replay if the connection broke
    /// in the middle of it.
    /// </summary>
    public void Join(string stream, string? epoch, long seq, int replayed)
    {
        if (replayed == 0)
        {
            _positions[stream] = new StreamPosition(epoch, seq);
        }
    }

    /// <summary>Forgets a stream the subscriber left: joining it again starts live.</summary>
    public void Forget(string stream) => _positions.Remove(stream);
}
