using System.Buffers;

namespace Herald.Tests.WebSockets;

/// <summary>Multi-segment sequences: the shape a PipeReader hands over once data has arrived in several reads.</summary>
internal static class SegmentedSequence
{
    /// <summary>Cuts <paramref name="data"/> into segments of the given lengths; what is left over is one last segment.</summary>
    public static ReadOnlySequence<byte> Create(ReadOnlyMemory<byte> data, IEnumerable<int> segmentLengths)
    {
        var first = new BufferSegment(ReadOnlyMemory<byte>.Empty);
        var last = first;
        var offset = 0;
        foreach (var length in segmentLengths)
        {
            if (offset + length > data.Length)
            {
                break;
            }

            last = last.Append(data.Slice(offset, length));
            offset += length;
        }

        last = last.Append(data[offset..]);

        // The empty first segment is deliberate: a sequence may start with one, and the parser must look past it.
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Two segments, cut at <paramref name="offset"/>.</summary>
    public static ReadOnlySequence<byte> SplitAt(ReadOnlyMemory<byte> data, int offset) => Create(data, [offset]);

    /// <summary>One segment per byte.</summary>
    public static ReadOnlySequence<byte> Bytewise(ReadOnlyMemory<byte> data) => Create(data, Enumerable.Repeat(1, data.Length));
}
