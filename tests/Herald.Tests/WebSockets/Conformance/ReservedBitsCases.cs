namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// Autobahn 3.x: with no extension negotiated, any RSV bit fails the connection with 1002 (RFC 6455 §5.2),
/// on every kind of frame; a message before the bad frame still counts, a Ping after it gets no Pong.
/// </summary>
public static class ReservedBitsCases
{
    public static IEnumerable<ConformanceCase> All()
    {
        yield return ConformanceCase.Of(
            "3.1", "text message with RSV = 1", Expectation.Closes(CaseData.ProtocolError), WireFrame.Text("Hello, world!") with { Rsv = 1 });
        yield return AfterLogin("3.2", 2, 0x1, WritePlan.Whole);
        yield return AfterLogin("3.3", 3, 0x1, WritePlan.At(FrameCut()));
        yield return AfterLogin("3.4", 4, 0x1, WritePlan.ByteByByte);
        yield return ConformanceCase.Of(
            "3.5", "binary message with RSV = 5", Expectation.Closes(CaseData.ProtocolError), WireFrame.Binary(CaseData.Binary(256)) with { Rsv = 5 });
        yield return ConformanceCase.Of(
            "3.6", "ping with RSV = 6", Expectation.Closes(CaseData.ProtocolError), WireFrame.Ping(CaseData.Ascii("Hello, world!")) with { Rsv = 6 });
        yield return ConformanceCase.Of(
            "3.7", "close with RSV = 7", Expectation.ClosesAfterPeerClose(CaseData.ProtocolError), WireFrame.Close(CaseData.Normal) with { Rsv = 7 });

        // Every RSV combination on every kind of frame.
        for (var rsv = 1; rsv <= 7; rsv++)
        {
            yield return ConformanceCase.Of(
                $"3.8.{rsv}.text", $"text with RSV = {rsv}", Expectation.Closes(CaseData.ProtocolError), WireFrame.Text("text") with { Rsv = rsv });
            yield return ConformanceCase.Of(
                $"3.8.{rsv}.binary", $"binary with RSV = {rsv}", Expectation.Closes(CaseData.ProtocolError),
                WireFrame.Binary(CaseData.Binary(4)) with { Rsv = rsv });
            yield return ConformanceCase.Of(
                $"3.8.{rsv}.ping", $"ping with RSV = {rsv}", Expectation.Closes(CaseData.ProtocolError), WireFrame.Ping("ping") with { Rsv = rsv });
            yield return ConformanceCase.Of(
                $"3.8.{rsv}.close", $"close with RSV = {rsv}", Expectation.ClosesAfterPeerClose(CaseData.ProtocolError),
                WireFrame.Close(CaseData.Normal) with { Rsv = rsv });
            yield return ConformanceCase.Of(
                $"3.8.{rsv}.continuation", $"continuation with RSV = {rsv} in a fragmented text message", Expectation.Closes(CaseData.ProtocolError),
                WireFrame.Text("frag", fin: false), WireFrame.Continuation("ment", fin: true) with { Rsv = rsv });
        }
    }

    /// <summary>A login that must count, then a frame with RSV set and a Ping in one write: Close 1002, no Pong.</summary>
    private static ConformanceCase AfterLogin(string id, int rsv, int opcode, WritePlan plan)
    {
        var uid = CaseData.Uid(id);
        return new ConformanceCase(
            id,
            $"login, then a frame with RSV = {rsv} and a ping, {plan}",
            [
                new ConformanceStep(() => WireFrame.Concat(WireFrame.Text(CaseData.Login(uid))), plan, Expectation.LoginAccepted(uid)),
                new ConformanceStep(
                    () => WireFrame.Concat(new WireFrame { Opcode = opcode, Rsv = rsv, Payload = CaseData.Ascii("Hello, world!") }, WireFrame.Ping("no answer")),
                    plan,
                    Expectation.Closes(CaseData.ProtocolError)),
            ]);
    }

    /// <summary>The cut between the bad frame and the Ping of <see cref="AfterLogin"/>.</summary>
    private static int FrameCut() => new WireFrame { Opcode = 0x1, Payload = CaseData.Ascii("Hello, world!") }.ToBytes().Length;
}
