namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// The same case table as <see cref="ConformanceTests"/>, against the engine and its sessions alone, over in-memory
/// pipes that pause like Kestrel's: what is proven here is the engine's, not a server layer's.
/// </summary>
public sealed class EngineConformanceTests(EngineConformanceServer server) : IClassFixture<EngineConformanceServer>
{
    public static IEnumerable<TheoryDataRow<string>> Cases => ConformanceCaseTable.Family(
        "1.", "2.", "3.", "4.", "5.", "6.", "7.", "9.1.", "9.2.", "9.3.", "9.4.", "9.5.", "9.6.", "9.7.", "M.", "J.");

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Case_OverPipesToTheEngine_HasItsExactOutcome(string id) => ConformanceRunner.RunAsync(server, ConformanceCaseTable.Get(id));
}
