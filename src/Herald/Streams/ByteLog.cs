using System.Diagnostics;

namespace Herald.Streams;

/// <summary>
/// Bytes appended end to end, addressed by their position since the log began, held in segments of one size and
/// released from the front. However many records it holds, the garbage collector sees a few large arrays that
/// hold no references: nothing to trace, and (on the large object heap) nothing to copy. A record may span
/// segments. Not thread-safe: the history calls it under its lock.
/// </summary>
internal sealed class ByteLog
{
    /// <summary>Above the large object heap's threshold (85,000 bytes), so a collection never copies a segment.</summary>
    public const int DefaultSegmentBytes = 128 * 1024;

    // Released segments kept for the next ones: a log that releases about as fast as it appends allocates none.
    private const int SpareSegments = 2;

    private readonly int _segmentBytes;
    private readonly List<byte[]> _segments = [];
    private readonly Stack<byte[]> _spare = new();

    // The position of _segments[0][0].
    private long _firstSegmentStart;

    public ByteLog(int segmentBytes = DefaultSegmentBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentBytes, 1);
        _segmentBytes = segmentBytes;
    }

    /// <summary>Where the next byte written goes.</summary>
    public long Head { get; private set; }

    /// <summary>The oldest position still held.</summary>
    public long Tail { get; private set; }

    /// <summary>Segments in use (not counting spare ones).</summary>
    public int Segments => _segments.Count;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var (index, offset) = Locate(Head);
            if (index == _segments.Count)
            {
                _segments.Add(_spare.TryPop(out var reused) ? reused : GC.AllocateUninitializedArray<byte>(_segmentBytes));
            }

            var count = Math.Min(bytes.Length, _segmentBytes - offset);
            bytes[..count].CopyTo(_segments[index].AsSpan(offset));
            bytes = bytes[count..];
            Head += count;
        }
    }

    /// <summary>The bytes at <paramref name="position"/> in place, when they lie in one segment.</summary>
    public bool TryGetSpan(long position, int length, out ReadOnlySpan<byte> bytes)
    {
        CheckHeld(position, length);
        var (index, offset) = Locate(position);
        if (offset + length > _segmentBytes)
        {
            bytes = default;
            return false;
        }

        bytes = _segments[index].AsSpan(offset, length);
        return true;
    }

    /// <summary>Copies the bytes at <paramref name="position"/>, across segments, into all of <paramref name="destination"/>.</summary>
    public void CopyTo(long position, Span<byte> destination)
    {
        CheckHeld(position, destination.Length);
        while (!destination.IsEmpty)
        {
            var (index, offset) = Locate(position);
            var count = Math.Min(destination.Length, _segmentBytes - offset);
            _segments[index].AsSpan(offset, count).CopyTo(destination);
            destination = destination[count..];
            position += count;
        }
    }

    /// <summary>Gives up every byte before <paramref name="position"/>, and the segments that held only those.</summary>
    public void ReleaseTo(long position)
    {
        Debug.Assert(position >= Tail && position <= Head, "the log is released in order, never past its head");
        Tail = position;
        var released = 0;
        while (released < _segments.Count && _firstSegmentStart + _segmentBytes <= Tail)
        {
            if (_spare.Count < SpareSegments)
            {
                _spare.Push(_segments[released]);
            }

            released++;
            _firstSegmentStart += _segmentBytes;
        }

        _segments.RemoveRange(0, released);
    }

    private (int Index, int Offset) Locate(long position)
    {
        var fromFirst = position - _firstSegmentStart;
        return ((int)(fromFirst / _segmentBytes), (int)(fromFirst % _segmentBytes));
    }

    [Conditional("DEBUG")]
    private void CheckHeld(long position, int length) =>
        Debug.Assert(position >= Tail && position + length <= Head, "only bytes the log still holds are read");
}
