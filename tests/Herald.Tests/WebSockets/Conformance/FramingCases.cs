namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// Autobahn 1.x: text and binary messages of every length-encoding boundary in one frame, plus the same
/// lengths in non-minimal encodings (RFC 6455 §5.2 asks senders for the minimal one; only the value counts).
/// A text message is a seed login padded with spaces to the length, so its acceptance is observable.
/// </summary>
public static class FramingCases
{
    private static readonly int[] Lengths = [0, 125, 126, 127, 128, 65535, 65536];

    public static IEnumerable<ConformanceCase> All()
    {
        for (var i = 0; i < Lengths.Length; i++)
        {
            var length = Lengths[i];
            yield return Text($"1.1.{i + 1}", length, WritePlan.Whole);
        }

        yield return Text("1.1.8", 65536, WritePlan.Chunks(997));

        for (var i = 0; i < Lengths.Length; i++)
        {
            var length = Lengths[i];
            yield return ConformanceCase.Of(
                $"1.2.{i + 1}", $"binary message of {length} bytes", Expectation.Accepted(), WireFrame.Binary(CaseData.Binary(length)));
        }

        yield return ConformanceCase.Of(
            "1.2.8", "binary message of 65536 bytes in writes of 997 bytes", Expectation.Accepted(), WritePlan.Chunks(997),
            WireFrame.Binary(CaseData.Binary(65536)));

        yield return ConformanceCase.Of(
            "1.3.1", "empty text message with a 16-bit length", Expectation.Accepted(),
            WireFrame.Text("") with { Length = LengthEncoding.Extended16 });
        yield return ConformanceCase.Of(
            "1.3.2", "empty text message with a 64-bit length", Expectation.Accepted(),
            WireFrame.Text("") with { Length = LengthEncoding.Extended64 });
        yield return NonMinimal("1.3.3", 100, LengthEncoding.Extended16);
        yield return NonMinimal("1.3.4", 125, LengthEncoding.Extended64);
        yield return NonMinimal("1.3.5", 126, LengthEncoding.Extended64);
        yield return NonMinimal("1.3.6", 65535, LengthEncoding.Extended64);
        yield return ConformanceCase.Of(
            "1.3.7", "binary message of 5 bytes with a 64-bit length", Expectation.Accepted(),
            WireFrame.Binary(CaseData.Binary(5)) with { Length = LengthEncoding.Extended64 });
    }

    private static ConformanceCase Text(string id, int length, WritePlan plan)
    {
        if (length == 0)
        {
            return ConformanceCase.Of(id, "empty text message", Expectation.Accepted(), plan, WireFrame.Text(""));
        }

        var uid = CaseData.Uid(id);
        return ConformanceCase.Of(
            id, $"text message of {length} bytes (a login padded with spaces)", Expectation.LoginAccepted(uid), plan,
            WireFrame.Text(CaseData.PaddedLogin(uid, length)));
    }

    private static ConformanceCase NonMinimal(string id, int length, LengthEncoding encoding)
    {
        var uid = CaseData.Uid(id);
        return ConformanceCase.Of(
            id, $"text message of {length} bytes with a {(encoding == LengthEncoding.Extended16 ? 16 : 64)}-bit length",
            Expectation.LoginAccepted(uid), WireFrame.Text(CaseData.PaddedLogin(uid, length)) with { Length = encoding });
    }
}
