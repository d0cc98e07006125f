namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// Autobahn 2.x: a Ping gets a Pong with its exact payload (RFC 6455 §5.5.2-3), an unsolicited Pong is
/// ignored, and a control frame over 125 bytes fails the connection (§5.5).
/// </summary>
public static class PingPongCases
{
    public static IEnumerable<ConformanceCase> All()
    {
        yield return Pings("2.1", "ping without payload", WritePlan.Whole, []);
        yield return Pings("2.2", "ping with a text payload", WritePlan.Whole, CaseData.Ascii("Hello, world!"));
        yield return Pings("2.3", "ping with a binary payload", WritePlan.Whole, [0x00, 0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0x00, 0xFF]);
        yield return Pings("2.4", "ping with a 125-byte binary payload", WritePlan.Whole, CaseData.Binary(125));
        yield return ConformanceCase.Of(
            "2.5", "ping with a 126-byte payload", Expectation.Closes(CaseData.ProtocolError), WireFrame.Ping(CaseData.Binary(126)));
        yield return Pings("2.6", "ping with a 125-byte payload, byte by byte", WritePlan.ByteByByte, CaseData.Binary(125));
        yield return ConformanceCase.Of("2.7", "unsolicited pong without payload", Expectation.Accepted(), WireFrame.Pong(Array.Empty<byte>()));
        yield return ConformanceCase.Of(
            "2.8", "unsolicited pong with payload", Expectation.Accepted(), WireFrame.Pong(CaseData.Ascii("unsolicited pong payload")));
        yield return ConformanceCase.Of(
            "2.9", "unsolicited pong, then ping: only the ping is answered",
            Expectation.Accepted().AfterPongs(CaseData.Ascii("ping payload")),
            WireFrame.Pong(CaseData.Ascii("unsolicited pong payload")), WireFrame.Ping(CaseData.Ascii("ping payload")));
        yield return TenPings("2.10", WritePlan.Whole);
        yield return TenPings("2.11", WritePlan.ByteByByte);
        yield return ConformanceCase.Of(
            "2.12", "ping declaring a 126-byte payload in a 64-bit length", Expectation.Closes(CaseData.ProtocolError),
            WireFrame.Ping(CaseData.Binary(126)) with { Length = LengthEncoding.Extended64 });
    }

    private static ConformanceCase Pings(string id, string description, WritePlan plan, byte[] payload) =>
        ConformanceCase.Of(id, description, Expectation.Accepted().AfterPongs(payload), plan, WireFrame.Ping(payload));

    /// <summary>Ten Pings back to back: RFC 6455 §5.5.3 lets the server answer only the most recent.</summary>
    private static ConformanceCase TenPings(string id, WritePlan plan)
    {
        var payloads = Enumerable.Range(1, 10).Select(i => CaseData.Ascii($"payload-{i}")).ToArray();
        return ConformanceCase.Of(
            id, $"10 pings in a row, {plan}",
            Expectation.Accepted().AfterPongs(payloads) with { OnlyLastPongRequired = true },
            plan, [.. payloads.Select(payload => WireFrame.Ping(payload))]);
    }
}
