namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// Autobahn 5.x: fragmented messages (RFC 6455 §5.4). A fragmented text message is a seed login, so its
/// reassembly is observable; control frames may come between fragments and are answered at once; a control
/// frame may not itself be fragmented; a continuation needs a message to continue, and a new message may not
/// start before the last one ended.
/// </summary>
public static class FragmentationCases
{
    private static readonly WritePlan[] Plans = [WritePlan.Whole, WritePlan.ByteByByte];

    public static IEnumerable<ConformanceCase> All()
    {
        yield return ConformanceCase.Of(
            "5.1", "ping in 2 fragments", Expectation.Closes(CaseData.ProtocolError),
            new WireFrame { Opcode = 0x9, Fin = false, Payload = CaseData.Ascii("fragment1") }, WireFrame.Continuation("fragment2", fin: true));
        yield return ConformanceCase.Of(
            "5.2", "pong in 2 fragments", Expectation.Closes(CaseData.ProtocolError),
            new WireFrame { Opcode = 0xA, Fin = false, Payload = CaseData.Ascii("fragment1") }, WireFrame.Continuation("fragment2", fin: true));
        yield return ConformanceCase.Of(
            "5.2.1", "close in 2 fragments", Expectation.ClosesAfterPeerClose(CaseData.ProtocolError),
            new WireFrame { Opcode = 0x8, Fin = false, Payload = WireFrame.ClosePayload(CaseData.Normal, []) },
            WireFrame.Continuation("", fin: true));

        var index = 3;
        foreach (var plan in Plans.Append(WritePlan.At(7)))
        {
            var id = $"5.{index++}";
            var uid = CaseData.Uid(id);
            var login = CaseData.Login(uid);
            yield return ConformanceCase.Of(id, $"text in 2 fragments, {plan}", Expectation.LoginAccepted(uid), plan, CaseData.Fragments(0x1, login, 7));
        }

        foreach (var plan in Plans.Append(WritePlan.At(7)))
        {
            var id = $"5.{index++}";
            var uid = CaseData.Uid(id);
            var fragments = CaseData.Fragments(0x1, CaseData.Login(uid), 7);
            yield return ConformanceCase.Of(
                id, $"text in 2 fragments with a ping between, {plan}",
                Expectation.LoginAccepted(uid).AfterPongs(CaseData.Ascii("pongme!")), plan,
                fragments[0], WireFrame.Ping("pongme!"), fragments[1]);
        }

        foreach (var plan in Plans.Append(WritePlan.At(5)))
        {
            var id = $"5.{index++}";
            yield return ConformanceCase.Of(
                id, $"continuation (FIN) with no message under way, then text, {plan}", Expectation.Closes(CaseData.ProtocolError), plan,
                WireFrame.Continuation("non-continuation payload", fin: true), WireFrame.Text("Hello, world!"));
        }

        foreach (var plan in Plans.Append(WritePlan.At(5)))
        {
            var id = $"5.{index++}";
            yield return ConformanceCase.Of(
                id, $"continuation (no FIN) with no message under way, then text, {plan}", Expectation.Closes(CaseData.ProtocolError), plan,
                WireFrame.Continuation("non-continuation payload", fin: false), WireFrame.Text("Hello, world!"));
        }

        // 5.15: a whole fragmented message, then a continuation that continues nothing.
        yield return ConformanceCase.Of(
            "5.15", "text in 2 fragments, then a continuation and a text fragment", Expectation.Closes(CaseData.ProtocolError),
            WireFrame.Text("fragment1", fin: false), WireFrame.Continuation("fragment2", fin: true),
            WireFrame.Continuation("fragment3", fin: false), WireFrame.Text("fragment4", fin: true));
        index = 16;
        foreach (var plan in Plans)
        {
            var id = $"5.{index++}";
            yield return ConformanceCase.Of(
                id, $"continuation with nothing to continue, then a fragmented text, {plan}", Expectation.Closes(CaseData.ProtocolError), plan,
                WireFrame.Continuation("fragment1", fin: false), WireFrame.Text("fragment2", fin: false), WireFrame.Continuation("fragment3", fin: true));
        }

        yield return ConformanceCase.Of(
            "5.18", "new text frame while a fragmented text message is under way", Expectation.Closes(CaseData.ProtocolError),
            WireFrame.Text("fragment1", fin: false), WireFrame.Text("fragment2", fin: true));
        yield return ConformanceCase.Of(
            "5.18.1", "new binary frame while a fragmented text message is under way", Expectation.Closes(CaseData.ProtocolError),
            WireFrame.Text("fragment1", fin: false), WireFrame.Binary(CaseData.Binary(4)));
        yield return ConformanceCase.Of(
            "5.18.2", "new text frame while a fragmented binary message is under way", Expectation.Closes(CaseData.ProtocolError),
            WireFrame.Binary(CaseData.Binary(4), fin: false), WireFrame.Text("fragment2", fin: true));

        yield return PingsBetweenFragments("5.19", WritePlan.Whole);
        yield return PingsBetweenFragments("5.20", WritePlan.ByteByByte);

        var manyUid = CaseData.Uid("5.21");
        var many = CaseData.Login(manyUid);
        yield return ConformanceCase.Of(
            "5.21", "text in 1-byte fragments", Expectation.LoginAccepted(manyUid), CaseData.FragmentsOf(0x1, many, 1));
        yield return ConformanceCase.Of(
            "5.22", "binary in 2 fragments", Expectation.Accepted(), CaseData.Fragments(0x2, CaseData.Binary(64), 20));
        yield return ConformanceCase.Of(
            "5.23", "binary in 1-byte fragments, byte by byte", Expectation.Accepted(), WritePlan.ByteByByte,
            CaseData.FragmentsOf(0x2, CaseData.Binary(64), 1));

        var emptyUid = CaseData.Uid("5.24");
        yield return ConformanceCase.Of(
            "5.24", "text with empty fragments first, between and last", Expectation.LoginAccepted(emptyUid),
            WireFrame.Text("", fin: false), WireFrame.Continuation("", fin: false), WireFrame.Continuation(CaseData.Login(emptyUid), fin: false),
            WireFrame.Continuation("", fin: false), WireFrame.Continuation("", fin: true));
        yield return ConformanceCase.Of(
            "5.25", "text of empty fragments only", Expectation.Accepted(),
            WireFrame.Text("", fin: false), WireFrame.Continuation("", fin: false), WireFrame.Continuation("", fin: true));
        yield return ConformanceCase.Of(
            "5.26", "binary of empty fragments only", Expectation.Accepted(),
            WireFrame.Binary(Array.Empty<byte>(), fin: false), WireFrame.Continuation("", fin: true));
        yield return ConformanceCase.Of(
            "5.27", "unsolicited pong between text fragments", Expectation.LoginAccepted(CaseData.Uid("5.27")),
            [.. InsertAfterFirst(CaseData.Fragments(0x1, CaseData.Login(CaseData.Uid("5.27")), 3, 9), WireFrame.Pong(CaseData.Ascii("unsolicited")))]);
    }

    /// <summary>
    /// Five fragments with a Ping after the second and the fourth. Each Ping's Pong is awaited before the next
    /// is sent: a server may answer only the latest of two Pings it reads together (RFC 6455 §5.5.3).
    /// </summary>
    private static ConformanceCase PingsBetweenFragments(string id, WritePlan plan)
    {
        var uid = CaseData.Uid(id);
        var fragments = CaseData.Fragments(0x1, CaseData.Login(uid), 2, 5, 8, 11);
        return new ConformanceCase(
            id,
            $"text in 5 fragments with pings after the 2nd and the 4th, {plan}",
            [
                new ConformanceStep(
                    () => WireFrame.Concat(fragments[0], fragments[1], WireFrame.Ping("pongme 1!")),
                    plan,
                    Expectation.Continues().AfterPongs(CaseData.Ascii("pongme 1!"))),
                new ConformanceStep(
                    () => WireFrame.Concat(fragments[2], fragments[3], WireFrame.Ping("pongme 2!")),
                    plan,
                    Expectation.Continues().AfterPongs(CaseData.Ascii("pongme 2!"))),
                new ConformanceStep(() => WireFrame.Concat(fragments[4]), plan, Expectation.LoginAccepted(uid)),
            ]);
    }

    private static IEnumerable<WireFrame> InsertAfterFirst(WireFrame[] frames, WireFrame inserted)
    {
        yield return frames[0];
        yield return inserted;
        foreach (var frame in frames.Skip(1))
        {
            yield return frame;
        }
    }
}
