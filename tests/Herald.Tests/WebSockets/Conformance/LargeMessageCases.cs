namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// Autobahn 9.x, a bounded subset: text and binary messages up to the largest <c>MaxClientMessageBytes</c>
/// allows (16 MiB) in one frame, fragmented into frames of 64 bytes to 4 MiB, and one frame written in small
/// pieces; each sent in several writes. A text message is a seed login padded with spaces to its length.
/// </summary>
public static class LargeMessageCases
{
    private const int KiB = 1024;
    private const int MiB = 1024 * KiB;

    private static readonly int[] Sizes = [64 * KiB, 256 * KiB, MiB, 4 * MiB, 16 * MiB];

    private static readonly int[] FragmentSizes = [64, 4 * KiB, 64 * KiB, MiB, 4 * MiB];

    public static IEnumerable<ConformanceCase> All()
    {
        for (var i = 0; i < Sizes.Length; i++)
        {
            var size = Sizes[i];
            var id = $"9.1.{i + 1}";
            var uid = CaseData.Uid(id);
            yield return ConformanceCase.Of(
                id, $"text message of {Describe(size)} in one frame", Expectation.LoginAccepted(uid), WritePlan.Chunks(256 * KiB),
                () => WireFrame.Text(CaseData.PaddedLogin(uid, size)).ToBytes());
        }

        for (var i = 0; i < Sizes.Length; i++)
        {
            var size = Sizes[i];
            yield return ConformanceCase.Of(
                $"9.2.{i + 1}", $"binary message of {Describe(size)} in one frame", Expectation.Accepted(), WritePlan.Chunks(256 * KiB),
                () => WireFrame.Binary(CaseData.Binary(size)).ToBytes());
        }

        for (var i = 0; i < FragmentSizes.Length; i++)
        {
            var fragment = FragmentSizes[i];
            var id = $"9.3.{i + 1}";
            var uid = CaseData.Uid(id);
            yield return ConformanceCase.Of(
                id, $"text message of 4 MiB in frames of {Describe(fragment)}", Expectation.LoginAccepted(uid), WritePlan.Chunks(256 * KiB),
                () => WireFrame.Concat(CaseData.FragmentsOf(0x1, CaseData.PaddedLogin(uid, 4 * MiB), fragment)));
        }

        for (var i = 0; i < FragmentSizes.Length; i++)
        {
            var fragment = FragmentSizes[i];
            yield return ConformanceCase.Of(
                $"9.4.{i + 1}", $"binary message of 4 MiB in frames of {Describe(fragment)}", Expectation.Accepted(), WritePlan.Chunks(256 * KiB),
                () => WireFrame.Concat(CaseData.FragmentsOf(0x2, CaseData.Binary(4 * MiB), fragment)));
        }

        var chopUid = CaseData.Uid("9.5.1");
        yield return ConformanceCase.Of(
            "9.5.1", "text message of 1 MiB in one frame, in writes of 256 bytes", Expectation.LoginAccepted(chopUid), WritePlan.Chunks(256),
            () => WireFrame.Text(CaseData.PaddedLogin(chopUid, MiB)).ToBytes());
        yield return ConformanceCase.Of(
            "9.6.1", "binary message of 1 MiB in one frame, in writes of 2048 bytes", Expectation.Accepted(), WritePlan.Chunks(2048),
            () => WireFrame.Binary(CaseData.Binary(MiB)).ToBytes());
    }

    public static string Describe(int size) => size switch
    {
        >= MiB when size % MiB == 0 => $"{size / MiB} MiB",
        >= KiB when size % KiB == 0 => $"{size / KiB} KiB",
        _ => $"{size} bytes",
    };
}
