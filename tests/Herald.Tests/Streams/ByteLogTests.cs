using Herald.Streams;

namespace Herald.Tests.Streams;

/// <summary>The history's byte log: records across segment boundaries, larger than a segment, and segments released from the front.</summary>
public sealed class ByteLogTests
{
    [Fact]
    public void Write_AcrossSegments_ReadsBackTheSameBytes()
    {
        var log = new ByteLog(segmentBytes: 8);
        var first = Bytes(5, seed: 1);
        var second = Bytes(30, seed: 2);

        log.Write(first);
        log.Write(second);

        Assert.Equal(35, log.Head);
        Assert.Equal(5, log.Segments);
        Assert.Equal(first, Read(log, 0, 5));
        Assert.Equal(second, Read(log, 5, 30));
        Assert.False(log.TryGetSpan(5, 30, out _));
        Assert.True(log.TryGetSpan(0, 5, out var inPlace));
        Assert.Equal(first, inPlace.ToArray());
    }

    [Fact]
    public void ReleaseTo_GivesUpOnlySegmentsWhollyBeforeIt()
    {
        var log = new ByteLog(segmentBytes: 8);
        log.Write(Bytes(20, seed: 3));

        log.ReleaseTo(7);
        Assert.Equal(3, log.Segments);
        log.ReleaseTo(16);
        Assert.Equal(1, log.Segments);
        Assert.Equal(Bytes(20, seed: 3)[16..], Read(log, 16, 4));

        log.ReleaseTo(20);
        log.Write(Bytes(3, seed: 4));
        Assert.Equal(Bytes(3, seed: 4), Read(log, 20, 3));
    }

    [Fact]
    public void ReleaseTo_AllOfAnExactlyFullSegment_StartsTheNextWriteInANewOne()
    {
        var log = new ByteLog(segmentBytes: 8);
        log.Write(Bytes(16, seed: 5));

        log.ReleaseTo(16);
        Assert.Equal(0, log.Segments);

        log.Write(Bytes(9, seed: 6));
        Assert.Equal(2, log.Segments);
        Assert.Equal(Bytes(9, seed: 6), Read(log, 16, 9));
    }

    [Fact]
    public void Write_ReleasedAsFastAsWritten_HoldsABoundedNumberOfSegments()
    {
        var log = new ByteLog(segmentBytes: 64);
        var record = Bytes(100, seed: 7);
        for (var i = 0; i < 1000; i++)
        {
            var start = log.Head;
            log.Write(record);
            Assert.Equal(record, Read(log, start, record.Length));
            if (i >= 3)
            {
                // Keep the newest three records, as a history at its byte limit would.
                log.ReleaseTo(start - (2 * record.Length));
            }

            Assert.InRange(log.Segments, 1, (3 * record.Length / 64) + 2);
        }
    }

    private static byte[] Read(ByteLog log, long position, int length)
    {
        var bytes = new byte[length];
        log.CopyTo(position, bytes);
        return bytes;
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
