namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// Autobahn 4.x: the reserved opcodes 3-7 (data) and 11-15 (control) fail the connection with 1002
/// (RFC 6455 §5.2), with or without a payload; a login before counts, a Ping after gets no Pong.
/// </summary>
public static class OpcodeCases
{
    private static readonly int[] Reserved = [3, 4, 5, 6, 7, 11, 12, 13, 14, 15];

    public static IEnumerable<ConformanceCase> All()
    {
        foreach (var opcode in Reserved)
        {
            var family = opcode < 8 ? "4.1" : "4.2";
            yield return ConformanceCase.Of(
                $"{family}.op{opcode}.empty", $"reserved opcode {opcode} without payload", Expectation.Closes(CaseData.ProtocolError),
                new WireFrame { Opcode = opcode });
            yield return ConformanceCase.Of(
                $"{family}.op{opcode}.payload", $"reserved opcode {opcode} with a payload", Expectation.Closes(CaseData.ProtocolError),
                new WireFrame { Opcode = opcode, Payload = CaseData.Ascii("reserved opcode payload") });
        }

        yield return AfterLogin("4.1.3", 5, WritePlan.Whole);
        yield return AfterLogin("4.1.5", 7, WritePlan.ByteByByte);
        yield return AfterLogin("4.2.3", 13, WritePlan.Whole);
        yield return AfterLogin("4.2.5", 15, WritePlan.ByteByByte);
    }

    private static ConformanceCase AfterLogin(string id, int opcode, WritePlan plan)
    {
        var uid = CaseData.Uid(id);
        return new ConformanceCase(
            id,
            $"login, then reserved opcode {opcode} and a ping, {plan}",
            [
                new ConformanceStep(() => WireFrame.Concat(WireFrame.Text(CaseData.Login(uid))), plan, Expectation.LoginAccepted(uid)),
                new ConformanceStep(
                    () => WireFrame.Concat(new WireFrame { Opcode = opcode, Payload = CaseData.Ascii("reserved") }, WireFrame.Ping("no answer")),
                    plan,
                    Expectation.Closes(CaseData.ProtocolError)),
            ]);
    }
}
