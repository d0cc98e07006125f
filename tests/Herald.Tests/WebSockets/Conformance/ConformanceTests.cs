using Herald.Tests.Infrastructure;

namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// The RFC 6455 conformance suite, modelled on the Autobahn|Testsuite case families 1-7 and 9, against a real
/// server on both WebSocket paths over TCP. The cases are data (<see cref="ConformanceCaseTable"/>), run by
/// <see cref="ConformanceRunner"/>; docs/conformance.md lists what each family checks.
/// </summary>
public abstract class ConformanceTests(bool direct, ConformanceServers servers) : BothWebSocketPaths(direct), IClassFixture<ConformanceServers>
{
    public static IEnumerable<TheoryDataRow<string>> Framing => ConformanceCaseTable.Family("1.");

    public static IEnumerable<TheoryDataRow<string>> PingPong => ConformanceCaseTable.Family("2.");

    public static IEnumerable<TheoryDataRow<string>> ReservedBits => ConformanceCaseTable.Family("3.");

    public static IEnumerable<TheoryDataRow<string>> Opcodes => ConformanceCaseTable.Family("4.");

    public static IEnumerable<TheoryDataRow<string>> Fragmentation => ConformanceCaseTable.Family("5.");

    public static IEnumerable<TheoryDataRow<string>> Utf8 => ConformanceCaseTable.Family("6.");

    public static IEnumerable<TheoryDataRow<string>> Close => ConformanceCaseTable.Family("7.");

    public static IEnumerable<TheoryDataRow<string>> LargeMessages => ConformanceCaseTable.Family("9.1.", "9.2.", "9.3.", "9.4.", "9.5.", "9.6.");

    public static IEnumerable<TheoryDataRow<string>> Limits => ConformanceCaseTable.Family("9.7.");

    public static IEnumerable<TheoryDataRow<string>> Masking => ConformanceCaseTable.Family("M.");

    public static IEnumerable<TheoryDataRow<string>> SeedJson => ConformanceCaseTable.Family("J.");

    [Theory]
    [MemberData(nameof(Framing))]
    public Task Framing_Case_HasItsExactOutcome(string id) => RunAsync(id);

    [Theory]
    [MemberData(nameof(PingPong))]
    public Task PingPong_Case_HasItsExactOutcome(string id) => RunAsync(id);

    [Theory]
    [MemberData(nameof(ReservedBits))]
    public Task ReservedBits_Case_HasItsExactOutcome(string id) => RunAsync(id);

    [Theory]
    [MemberData(nameof(Opcodes))]
    public Task ReservedOpcodes_Case_HasItsExactOutcome(string id) => RunAsync(id);

    [Theory]
    [MemberData(nameof(Fragmentation))]
    public Task Fragmentation_Case_HasItsExactOutcome(string id) => RunAsync(id);

    [Theory]
    [MemberData(nameof(Utf8))]
    public Task Utf8_Case_HasItsExactOutcome(string id) => RunAsync(id);

    [Theory]
    [MemberData(nameof(Close))]
    public Task Close_Case_HasItsExactOutcome(string id) => RunAsync(id);

    [Theory]
    [MemberData(nameof(LargeMessages))]
    public Task LargeMessage_Case_HasItsExactOutcome(string id) => RunAsync(id);

    [Theory]
    [MemberData(nameof(Limits))]
    public Task MessageLimit_Case_HasItsExactOutcome(string id) => RunAsync(id);

    [Theory]
    [MemberData(nameof(Masking))]
    public Task Masking_Case_HasItsExactOutcome(string id) => RunAsync(id);

    [Theory]
    [MemberData(nameof(SeedJson))]
    public Task SeedLoginJson_Case_HasItsExactOutcome(string id) => RunAsync(id);

    private async Task RunAsync(string id) => await ConformanceRunner.RunAsync(await servers.GetAsync(Direct), ConformanceCaseTable.Get(id));
}

public sealed class ConformanceTestsThroughAspNetCore(ConformanceServers servers) : ConformanceTests(direct: false, servers);

public sealed class ConformanceTestsOnDirectPath(ConformanceServers servers) : ConformanceTests(direct: true, servers);
