namespace Herald.Tests.WebSockets.Conformance;

/// <summary>Every conformance case by id, and the ids of each family as theory data.</summary>
public static class ConformanceCaseTable
{
    private static readonly Lazy<IReadOnlyDictionary<string, ConformanceCase>> Cases = new(() =>
    {
        var all = FramingCases.All()
            .Concat(PingPongCases.All())
            .Concat(ReservedBitsCases.All())
            .Concat(OpcodeCases.All())
            .Concat(FragmentationCases.All())
            .Concat(Utf8Cases.All())
            .Concat(CloseCases.All())
            .Concat(LargeMessageCases.All())
            .Concat(LimitCases.All())
            .Concat(SeedJsonCases.All());
        var byId = new Dictionary<string, ConformanceCase>(StringComparer.Ordinal);
        foreach (var @case in all)
        {
            if (!byId.TryAdd(@case.Id, @case))
            {
                throw new InvalidOperationException($"two conformance cases have the id {@case.Id}");
            }
        }

        return byId;
    });

    public static IReadOnlyDictionary<string, ConformanceCase> All => Cases.Value;

    public static ConformanceCase Get(string id) => All[id];

    /// <summary>The ids starting with one of <paramref name="prefixes"/>, each row named after its case.</summary>
    public static IEnumerable<TheoryDataRow<string>> Family(params string[] prefixes) =>
        All.Values
            .Where(@case => prefixes.Any(prefix => @case.Id.StartsWith(prefix, StringComparison.Ordinal)))
            .Select(@case => new TheoryDataRow<string>(@case.Id) { TestDisplayName = $"{@case.Id} {@case.Description} " });
}
