using Herald.Tests.Infrastructure;

namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// The RFC 6455 conformance suite, modelled on the Autobahn|Testsuite case families 1-7 and 9, against a real
/// server on both WebSocket paths over TCP. The cases are data (<see cref="ConformanceCaseTable"/>), run by
/// <see cref="ConformanceRunner"/>; docs/conformance.md lists what each family checks.
/// </summary>
public abstract class ConformanceTests(bool direct, ConformanceServers servers) : BothWebSocketPaths(direct), IClassFixture<ConformanceServers>
{
    private const int MisbehavingClientTries = 20;
    private const string CompletedHandshake = "Close 1002, the client's writes all went through, and a clean end (FIN) after its Close";

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

    /// <summary>
    /// A client that breaks the protocol while it is still sending: an RSV1 frame, then 256 KiB of further frames
    /// in the same write, and it goes on writing for a moment (until it has read the server's Close, and 8 writes
    /// of 16 KiB after that, as a client whose send loop has not yet heard of the Close). The server fails the
    /// connection (RFC 6455 §7.1.7) with 1002, and the close handshake must survive: the client reads the Close,
    /// its writes meanwhile are not cut off by a reset, and once it answers with its own Close the server ends the
    /// TCP connection cleanly (§7.1.1). A server that closes its socket while input is still arriving makes the
    /// kernel answer with a reset, which fails the client's writes (a browser then reports 1006 instead of the
    /// Close); it happens in some tries only, so this runs many.
    /// </summary>
    [Fact]
    public async Task Close_ClientBreaksProtocolWhileStillSending_CloseHandshakeCompletesEveryTime()
    {
        var server = await servers.GetAsync(Direct);
        var broken = WireFrame.Text("broken") with { Rsv = 4 };
        var burst = WireFrame.Concat([broken, .. Enumerable.Repeat(WireFrame.Binary(CaseData.Binary(4096)), 64)]);
        var more = WireFrame.Binary(CaseData.Binary(16 * 1024)).ToBytes();
        var outcomes = new List<string>();

        for (var i = 0; i < MisbehavingClientTries; i++)
        {
            await using var peer = await server.ConnectAsync();
            var first = peer.ReadAsync(ConformanceRunner.Timeout);
            string? writeFailure = null;
            try
            {
                await peer.WriteAsync(burst);
                var writesAfterClose = 0;
                for (var j = 0; j < 64 && writesAfterClose < 8; j++)
                {
                    writesAfterClose += first.IsCompleted ? 1 : 0;
                    await peer.WriteAsync(more);
                }
            }
            catch (IOException exception)
            {
                writeFailure = exception.InnerException?.Message ?? exception.Message;
            }

            var observed = await first;
            outcomes.Add(await DescribeCloseAsync(peer, observed, writeFailure));
        }

        var summary = string.Join("; ", outcomes.GroupBy(outcome => outcome).Select(group => $"{group.Count()}x {group.Key}"));
        Assert.True(
            outcomes.All(outcome => outcome == CompletedHandshake),
            $"expected in all {MisbehavingClientTries} tries: {CompletedHandshake}; observed: {summary}");
    }

    /// <summary>What one try of the misbehaving client saw, in words; <see cref="CompletedHandshake"/> when all went well.</summary>
    private static async Task<string> DescribeCloseAsync(IConformancePeer peer, PeerEvent observed, string? writeFailure)
    {
        if (observed.Frame is not { IsClose: true, CloseCode: CaseData.ProtocolError })
        {
            return $"first {observed}";
        }

        if (writeFailure is not null)
        {
            return $"Close 1002, but a write after it failed ({writeFailure})";
        }

        try
        {
            await peer.WriteAsync(WireFrame.Close(CaseData.ProtocolError).ToBytes());
        }
        catch (IOException exception)
        {
            return $"Close 1002, but the client's Close could not be written ({exception.InnerException?.Message ?? exception.Message})";
        }

        var end = await peer.ReadAsync(ConformanceRunner.Timeout);
        return end.Kind == PeerEventKind.Ended ? CompletedHandshake : $"Close 1002, then {end}";
    }

    private async Task RunAsync(string id) => await ConformanceRunner.RunAsync(await servers.GetAsync(Direct), ConformanceCaseTable.Get(id));
}

public sealed class ConformanceTestsThroughAspNetCore(ConformanceServers servers) : ConformanceTests(direct: false, servers);

public sealed class ConformanceTestsOnDirectPath(ConformanceServers servers) : ConformanceTests(direct: true, servers);
