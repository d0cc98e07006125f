using System.Text;

namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// Autobahn 6.x: a text message must be valid UTF-8 (RFC 6455 §5.6, §8.1; RFC 3629). Valid sequences of every
/// length, the edges of the code space and noncharacters are accepted, also when a code point is cut between
/// fragments or between writes; overlong forms, surrogates, code points over U+10FFFF, truncated sequences,
/// lone continuation bytes and 0xFE/0xFF fail the connection with 1007. A fragment that already holds bytes no
/// continuation can make valid fails it at once, without the rest of the message (Autobahn 6.4.x).
/// </summary>
public static class Utf8Cases
{
    /// <summary>Valid UTF-8, each used inside a login's uid so that the server must have kept every byte.</summary>
    private static readonly (string Name, byte[] Bytes)[] Valid =
    [
        ("kosme", [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5]),
        ("mixed", Encoding.UTF8.GetBytes("Hello-µ@ßöäüàá-UTF-8!!")),
        ("U+0080", [0xC2, 0x80]),
        ("U+07FF", [0xDF, 0xBF]),
        ("U+0800", [0xE0, 0xA0, 0x80]),
        ("U+D7FF", [0xED, 0x9F, 0xBF]),
        ("U+E000", [0xEE, 0x80, 0x80]),
        ("U+FFFD", [0xEF, 0xBF, 0xBD]),
        ("U+FFFE", [0xEF, 0xBF, 0xBE]),
        ("U+FFFF", [0xEF, 0xBF, 0xBF]),
        ("U+10000", [0xF0, 0x90, 0x80, 0x80]),
        ("U+1F600", [0xF0, 0x9F, 0x98, 0x80]),
        ("U+10FFFF", [0xF4, 0x8F, 0xBF, 0xBF]),
    ];

    /// <summary>Invalid UTF-8, each between ASCII in one text message.</summary>
    private static readonly (string Name, byte[] Bytes)[] Invalid =
    [
        ("continuation-80", [0x80]),
        ("continuation-BF", [0xBF]),
        ("continuations-80-BF-80", [0x80, 0xBF, 0x80]),
        ("overlong-C0-AF", [0xC0, 0xAF]),
        ("overlong-C1-BF", [0xC1, 0xBF]),
        ("overlong-nul-C0-80", [0xC0, 0x80]),
        ("overlong-E0-80-AF", [0xE0, 0x80, 0xAF]),
        ("overlong-E0-9F-BF", [0xE0, 0x9F, 0xBF]),
        ("overlong-F0-80-80-AF", [0xF0, 0x80, 0x80, 0xAF]),
        ("overlong-F0-8F-BF-BF", [0xF0, 0x8F, 0xBF, 0xBF]),
        ("five-byte-F8", [0xF8, 0x88, 0x80, 0x80, 0x80]),
        ("six-byte-FC", [0xFC, 0x84, 0x80, 0x80, 0x80, 0x80]),
        ("surrogate-U+D800", [0xED, 0xA0, 0x80]),
        ("surrogate-U+DB7F", [0xED, 0xAD, 0xBF]),
        ("surrogate-U+DB80", [0xED, 0xAE, 0x80]),
        ("surrogate-U+DBFF", [0xED, 0xAF, 0xBF]),
        ("surrogate-U+DC00", [0xED, 0xB0, 0x80]),
        ("surrogate-U+DF80", [0xED, 0xBE, 0x80]),
        ("surrogate-U+DFFF", [0xED, 0xBF, 0xBF]),
        ("surrogate-pair-U+D800-U+DC00", [0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80]),
        ("over-U+10FFFF-F4-90", [0xF4, 0x90, 0x80, 0x80]),
        ("over-U+10FFFF-F5", [0xF5, 0x80, 0x80, 0x80]),
        ("over-U+10FFFF-F7", [0xF7, 0xBF, 0xBF, 0xBF]),
        ("byte-FE", [0xFE]),
        ("byte-FF", [0xFF]),
        ("bytes-FE-FE-FF-FF", [0xFE, 0xFE, 0xFF, 0xFF]),
        ("truncated-C2-then-ascii", [0xC2, 0x41]),
        ("truncated-E1-80-then-ascii", [0xE1, 0x80, 0x41]),
        ("truncated-F0-90-80-then-ascii", [0xF0, 0x90, 0x80, 0x41]),
    ];

    private static readonly byte[] Kosme = Valid[0].Bytes;

    public static IEnumerable<ConformanceCase> All()
    {
        yield return ConformanceCase.Of("6.1.1", "empty text message", Expectation.Accepted(), WireFrame.Text(""));
        yield return ConformanceCase.Of(
            "6.1.2", "text message of 3 empty fragments", Expectation.Accepted(),
            WireFrame.Text("", fin: false), WireFrame.Continuation("", fin: false), WireFrame.Continuation("", fin: true));

        foreach (var (name, bytes) in Valid)
        {
            yield return ValidLogin($"6.2.{name}", $"valid UTF-8 {name}", bytes, WritePlan.Whole, fragmentSize: null);
        }

        // The same multibyte uid cut inside its code points: into 1-byte fragments, into writes of 1 byte, both.
        var all = Valid.SelectMany(sample => sample.Bytes).ToArray();
        yield return ValidLogin("6.3.1", "valid UTF-8 in 1-byte fragments (code points cut between fragments)", all, WritePlan.Whole, fragmentSize: 1);
        yield return ValidLogin("6.3.2", "valid UTF-8 in one frame, byte by byte (code points cut between writes)", all, WritePlan.ByteByByte, fragmentSize: null);
        yield return ValidLogin("6.3.3", "valid UTF-8 in 3-byte fragments, byte by byte", all, WritePlan.ByteByByte, fragmentSize: 3);

        // U+10FFFF cut after each of its first three bytes, at a fragment boundary.
        for (var cut = 1; cut <= 3; cut++)
        {
            var id = $"6.3.4.{cut}";
            var uid = CaseData.Uid(id) + Encoding.UTF8.GetString([0xF4, 0x8F, 0xBF, 0xBF]);
            var login = CaseData.Login(uid);
            var at = login.Length - 2 - 4 + cut; // the code point ends just before the closing "}
            yield return ConformanceCase.Of(
                id, $"4-byte code point cut after byte {cut} between fragments", Expectation.LoginAccepted(uid), CaseData.Fragments(0x1, login, at));
        }

        yield return ConformanceCase.Of(
            "6.3.5", "text that is not a login: NUL and control characters are valid UTF-8", Expectation.Accepted(),
            WireFrame.Text(new byte[] { 0x00, 0x01, 0x1F, 0x7F, 0x0A }));

        foreach (var (name, bytes) in Invalid)
        {
            yield return ConformanceCase.Of(
                $"6.4.{name}", $"invalid UTF-8 {name}", Expectation.Closes(CaseData.InvalidPayload),
                WireFrame.Text(CaseData.Join(CaseData.Ascii("ab"), bytes, CaseData.Ascii("cd"))));
        }

        yield return ConformanceCase.Of(
            "6.5.1", "invalid UTF-8: the message ends inside a 2-byte sequence", Expectation.Closes(CaseData.InvalidPayload),
            WireFrame.Text(CaseData.Join(Kosme, [0xC2])));
        yield return ConformanceCase.Of(
            "6.5.2", "invalid UTF-8: the message ends inside a 4-byte sequence", Expectation.Closes(CaseData.InvalidPayload),
            WireFrame.Text(CaseData.Join(Kosme, [0xF0, 0x90, 0x80])));
        yield return ConformanceCase.Of(
            "6.5.3", "invalid UTF-8: the last fragment ends inside a 3-byte sequence", Expectation.Closes(CaseData.InvalidPayload),
            WireFrame.Text(Kosme, fin: false), WireFrame.Continuation(new byte[] { 0xE0, 0xA0 }, fin: true));
        yield return ConformanceCase.Of(
            "6.5.4", "invalid UTF-8 in 3 fragments, the code point over U+10FFFF across the first two", Expectation.Closes(CaseData.InvalidPayload),
            WireFrame.Text(CaseData.Join(Kosme, [0xF4]), fin: false), WireFrame.Continuation(new byte[] { 0x90, 0x80, 0x80 }, fin: false),
            WireFrame.Continuation("edited", fin: true));
        yield return ConformanceCase.Of(
            "6.5.5", "invalid UTF-8 in 1-byte fragments, byte by byte", Expectation.Closes(CaseData.InvalidPayload), WritePlan.ByteByByte,
            CaseData.FragmentsOf(0x1, CaseData.Join(Kosme, [0xED, 0xA0, 0x80], CaseData.Ascii("edited")), 1));

        // Fail fast (Autobahn 6.4.1-6.4.2): the message is never finished, so only a server that checks each fragment closes.
        yield return ConformanceCase.Of(
            "6.6.1", "fail fast: a valid first fragment, then a fragment holding U+110000 (F4 90 80 80), and no more",
            Expectation.Closes(CaseData.InvalidPayload),
            WireFrame.Text(Kosme, fin: false), WireFrame.Continuation(new byte[] { 0xF4, 0x90, 0x80, 0x80 }, fin: false));
        yield return ConformanceCase.Of(
            "6.6.2", "fail fast: a first fragment holding a surrogate (ED A0 80), and no more", Expectation.Closes(CaseData.InvalidPayload),
            WireFrame.Text(CaseData.Join(Kosme, [0xED, 0xA0, 0x80], CaseData.Ascii("edited")), fin: false));
        yield return ConformanceCase.Of(
            "6.6.3", "fail fast: a first fragment holding an overlong (C0 AF), and no more", Expectation.Closes(CaseData.InvalidPayload),
            WireFrame.Text(new byte[] { 0x7B, 0xC0, 0xAF }, fin: false));
        yield return ConformanceCase.Of(
            "6.6.4", "fail fast: a first fragment holding 0xFF, and no more", Expectation.Closes(CaseData.InvalidPayload),
            WireFrame.Text(new byte[] { 0x7B, 0xFF }, fin: false));
        yield return ConformanceCase.Of(
            "6.6.5", "fail fast: a first fragment of a lone continuation byte, and no more", Expectation.Closes(CaseData.InvalidPayload),
            WireFrame.Text(new byte[] { 0x80 }, fin: false));
        yield return ConformanceCase.Of(
            "6.6.6", "no false alarm: a first fragment ending inside a valid 4-byte sequence is not failed",
            Expectation.Accepted(), WireFrame.Text(CaseData.Join(Kosme, [0xF0, 0x9F]), fin: false));
    }

    /// <summary>A login whose uid holds <paramref name="utf8"/>: accepted, and a /send to exactly that uid arrives.</summary>
    private static ConformanceCase ValidLogin(string id, string description, byte[] utf8, WritePlan plan, int? fragmentSize)
    {
        var uid = CaseData.Uid(id) + "-" + Encoding.UTF8.GetString(utf8);
        var login = CaseData.Login(uid);
        var frames = fragmentSize is { } size ? CaseData.FragmentsOf(0x1, login, size) : [WireFrame.Text(login)];
        return ConformanceCase.Of(id, description, Expectation.LoginAccepted(uid), plan, frames);
    }
}
