namespace Herald.Tests.WebSockets.Conformance;

/// <summary>Where a case's bytes are cut into separate socket writes (Autobahn's "chops").</summary>
public sealed class WritePlan
{
    private readonly Func<int, IEnumerable<int>> _cuts;
    private readonly string _name;

    private WritePlan(string name, Func<int, IEnumerable<int>> cuts)
    {
        _name = name;
        _cuts = cuts;
    }

    /// <summary>Everything in one write.</summary>
    public static WritePlan Whole { get; } = new("in one write", _ => []);

    /// <summary>One write per byte.</summary>
    public static WritePlan ByteByByte { get; } = new("byte by byte", length => Enumerable.Range(1, Math.Max(length - 1, 0)));

    /// <summary>Writes of <paramref name="size"/> bytes (the last one shorter).</summary>
    public static WritePlan Chunks(int size) =>
        new($"in writes of {size} bytes", length => Enumerable.Range(1, Math.Max((length - 1) / size, 0)).Select(i => i * size));

    /// <summary>Cut at these offsets from the start of the bytes.</summary>
    public static WritePlan At(params int[] offsets) => new($"cut at {string.Join(", ", offsets)}", _ => offsets);

    /// <summary>The pieces, in order; each is one write.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Cut(ReadOnlyMemory<byte> wire)
    {
        var start = 0;
        foreach (var cut in _cuts(wire.Length))
        {
            if (cut > start && cut < wire.Length)
            {
                yield return wire[start..cut];
                start = cut;
            }
        }

        yield return wire[start..];
    }

    public override string ToString() => _name;
}
