namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// Herald's own: the message size limit (1009, RFC 6455 §7.4.1), counted over the whole message and safely
/// against lengths near 2^63; the 64-bit length whose most significant bit is set (1002, §5.2); and masking,
/// which every client frame must have (1002, §5.1, §5.3).
/// </summary>
public static class LimitCases
{
    /// <summary>The largest length a 64-bit length field may hold (§5.2: its most significant bit must be 0).</summary>
    private const ulong LongestLength = 0x7FFF_FFFF_FFFF_FFFF;

    public static IEnumerable<ConformanceCase> All()
    {
        var exactUid = CaseData.Uid("9.7.1");
        yield return ConformanceCase.Of(
            "9.7.1", "text message of exactly MaxClientMessageBytes in 4 fragments", Expectation.LoginAccepted(exactUid), WritePlan.Chunks(256 * 1024),
            () => WireFrame.Concat(CaseData.FragmentsOf(0x1, CaseData.PaddedLogin(exactUid, CaseData.MaxMessageBytes), CaseData.MaxMessageBytes / 4)));
        yield return ConformanceCase.Of(
            "9.7.2", "binary message one byte over MaxClientMessageBytes in one frame", Expectation.Closes(CaseData.MessageTooBig),
            WritePlan.Chunks(256 * 1024), () => WireFrame.Binary(CaseData.Binary(CaseData.MaxMessageBytes + 1)).ToBytes());
        yield return ConformanceCase.Of(
            "9.7.3", "text message one byte over MaxClientMessageBytes: 4 full fragments and one of 1 byte", Expectation.Closes(CaseData.MessageTooBig),
            WritePlan.Chunks(256 * 1024),
            () => WireFrame.Concat(
                [.. CaseData.FragmentsOf(0x1, CaseData.PaddedLogin(CaseData.Uid("9.7.3"), CaseData.MaxMessageBytes), CaseData.MaxMessageBytes / 4)
                    .Select(frame => frame with { Fin = false }), WireFrame.Continuation(" ", fin: true)]));

        // The lengths below are only declared: a few bytes follow, among them a whole Ping, which is payload and must get no Pong.
        yield return ConformanceCase.Of(
            "9.7.4", "one frame declaring 2^63 - 1 bytes, a ping inside its payload", Expectation.ClosesWhileSkipping(CaseData.MessageTooBig),
            Declaring(WireFrame.Binary(Array.Empty<byte>()), LongestLength));
        yield return ConformanceCase.Of(
            "9.7.5", "a 10-byte first fragment, then a continuation declaring 2^63 - 1 bytes, a ping inside its payload",
            Expectation.ClosesWhileSkipping(CaseData.MessageTooBig),
            WireFrame.Text("0123456789", fin: false), Declaring(WireFrame.Continuation("", fin: true), LongestLength));
        yield return ConformanceCase.Of(
            "9.7.6", "a 10-byte first fragment, then a continuation declaring 2^63 - 10 bytes (the sum is 2^63), a ping inside",
            Expectation.ClosesWhileSkipping(CaseData.MessageTooBig),
            WireFrame.Binary(CaseData.Binary(10), fin: false), Declaring(WireFrame.Continuation("", fin: false), LongestLength - 9));
        yield return ConformanceCase.Of(
            "9.7.7", "a 10-byte first fragment, then a continuation declaring 2^32 bytes, a ping inside",
            Expectation.ClosesWhileSkipping(CaseData.MessageTooBig),
            WireFrame.Text("0123456789", fin: false), Declaring(WireFrame.Continuation("", fin: true), 1UL << 32));
        yield return ConformanceCase.Of(
            "9.7.8", "a 10-byte first fragment, then a continuation declaring 2^63 - 1 bytes whose last mask byte and payload would read as a Ping if the length wrapped to -1",
            Expectation.ClosesWhileSkipping(CaseData.MessageTooBig),
            WireFrame.Text("0123456789", fin: false), SmugglingContinuation());
        yield return ConformanceCase.Of(
            "9.7.9", "a frame whose 64-bit length has the most significant bit set", Expectation.Closes(CaseData.ProtocolError),
            Declaring(WireFrame.Binary(Array.Empty<byte>()), 0x8000_0000_0000_0000));
        yield return ConformanceCase.Of(
            "9.7.10", "a continuation whose 64-bit length has the most significant bit set", Expectation.Closes(CaseData.ProtocolError),
            WireFrame.Text("0123456789", fin: false), Declaring(WireFrame.Continuation("", fin: true), 0xFFFF_FFFF_FFFF_FFFF));

        yield return ConformanceCase.Of(
            "M.1", "unmasked text frame", Expectation.Closes(CaseData.ProtocolError), WireFrame.Text("Hello, world!") with { Masked = false });
        yield return ConformanceCase.Of(
            "M.2", "unmasked binary frame", Expectation.Closes(CaseData.ProtocolError), WireFrame.Binary(CaseData.Binary(16)) with { Masked = false });
        yield return ConformanceCase.Of(
            "M.3", "unmasked ping", Expectation.Closes(CaseData.ProtocolError), WireFrame.Ping("Hello, world!") with { Masked = false });
        yield return ConformanceCase.Of(
            "M.4", "unmasked close", Expectation.ClosesAfterPeerClose(CaseData.ProtocolError), WireFrame.Close(CaseData.Normal) with { Masked = false });
        yield return ConformanceCase.Of(
            "M.5", "masked first fragment, unmasked continuation", Expectation.Closes(CaseData.ProtocolError),
            WireFrame.Text("frag", fin: false), WireFrame.Continuation("ment", fin: true) with { Masked = false });
        var zeroUid = CaseData.Uid("M.6");
        yield return ConformanceCase.Of(
            "M.6", "a login masked with the all-zero key (masked, so valid)", Expectation.LoginAccepted(zeroUid),
            WireFrame.Text(CaseData.Login(zeroUid)) with { MaskKey = 0 });
    }

    /// <summary>
    /// A continuation declaring 2^63 - 1 bytes, built so that a parser whose length arithmetic wraps (to -1 in 32
    /// bits, one byte short of the header) reads a whole empty Ping from the mask key's last byte on: a Pong
    /// proves the frame was smuggled.
    /// </summary>
    private static WireFrame SmugglingContinuation()
    {
        const uint key = 0x37FA2189; // its last byte, 0x89, is FIN + Ping
        byte[] rest = [0x80, 0x11, 0x22, 0x33, 0x44]; // mask bit, length 0, then a masking key: the rest of the Ping's header
        WireFrame.Mask(rest, key);
        return WireFrame.Continuation(rest, fin: true) with { MaskKey = key, DeclaredLength = LongestLength, Length = LengthEncoding.Extended64 };
    }

    /// <summary>The frame with its header declaring <paramref name="length"/>, then a whole Ping that falls inside that payload.</summary>
    private static WireFrame Declaring(WireFrame frame, ulong length)
    {
        // Masked in advance, so that the frame's own masking puts the Ping's bytes on the wire as they are.
        var ping = WireFrame.Ping("smuggled").ToBytes();
        WireFrame.Mask(ping, frame.MaskKey);
        return frame with { DeclaredLength = length, Length = LengthEncoding.Extended64, Payload = ping };
    }
}
