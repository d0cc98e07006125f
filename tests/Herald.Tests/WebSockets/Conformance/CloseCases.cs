namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// Autobahn 7.x: the close handshake (RFC 6455 §5.5.1, §7). A client's Close is answered with 1000 and the
/// server then ends the TCP connection; nothing after the client's Close is read (no Pong, no message). A Close
/// payload of 1 byte, over 125 bytes, or with a code that may not be sent (§7.4.1-2 and the IANA registry:
/// 0-999, 1004-1006, 1015, 1016-2999, 5000 and up) fails the connection with 1002; a reason that is not UTF-8
/// with 1007 (§8.1 requires failing; 1007 is the code for data inconsistent with its type, §7.4.1). That last
/// one is a choice: Autobahn 7.5.1 accepts 1002 or 1007, and ManagedWebSocket answers 1002 (as Herald does today).
/// </summary>
public static class CloseCases
{
    /// <summary>Every code the registry lets an endpoint send, including 1012-1014 (IANA) and the 3000-4999 ranges.</summary>
    private static readonly int[] ValidCodes = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999];

    private static readonly int[] InvalidCodes = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];

    public static IEnumerable<ConformanceCase> All()
    {
        var uid = CaseData.Uid("7.1.1");
        yield return new ConformanceCase(
            "7.1.1",
            "login, then close normally",
            [
                new ConformanceStep(() => WireFrame.Concat(WireFrame.Text(CaseData.Login(uid))), WritePlan.Whole, Expectation.LoginAccepted(uid)),
                new ConformanceStep(() => WireFrame.Concat(WireFrame.Close(CaseData.Normal)), WritePlan.Whole, Expectation.ClosesAfterPeerClose(CaseData.Normal)),
            ]);
        yield return ConformanceCase.Of(
            "7.1.2", "close twice", Expectation.ClosesAfterPeerClose(CaseData.Normal), WireFrame.Close(CaseData.Normal), WireFrame.Close(CaseData.Normal));
        yield return ConformanceCase.Of(
            "7.1.3", "close, then ping: no pong", Expectation.ClosesAfterPeerClose(CaseData.Normal),
            WireFrame.Close(CaseData.Normal), WireFrame.Ping("Hello, world!"));
        yield return ConformanceCase.Of(
            "7.1.4", "close, then a text message", Expectation.ClosesAfterPeerClose(CaseData.Normal),
            WireFrame.Close(CaseData.Normal), WireFrame.Text("Hello, world!"));
        yield return ConformanceCase.Of(
            "7.1.5", "text fragment, close, then the last fragment", Expectation.ClosesAfterPeerClose(CaseData.Normal),
            WireFrame.Text("fragment1", fin: false), WireFrame.Close(CaseData.Normal), WireFrame.Continuation("fragment2", fin: true));
        yield return ConformanceCase.Of(
            "7.1.6", "256 KiB message, close, then ping", Expectation.ClosesAfterPeerClose(CaseData.Normal), WritePlan.Chunks(64 * 1024),
            WireFrame.Binary(CaseData.Binary(256 * 1024)), WireFrame.Close(CaseData.Normal), WireFrame.Ping("Hello, world!"));
        yield return ConformanceCase.Of(
            "7.1.7", "close, then 256 KiB of further frames in the same write", Expectation.ClosesAfterPeerClose(CaseData.Normal),
            [WireFrame.Close(CaseData.Normal), .. Enumerable.Repeat(WireFrame.Binary(CaseData.Binary(4096)), 64)]);

        yield return ConformanceCase.Of("7.3.1", "close without payload", Expectation.ClosesAfterPeerClose(CaseData.Normal), WireFrame.CloseRaw(Array.Empty<byte>()));
        yield return ConformanceCase.Of(
            "7.3.2", "close with a 1-byte payload", Expectation.ClosesAfterPeerClose(CaseData.ProtocolError), WireFrame.CloseRaw(new byte[] { 0x03 }));
        yield return ConformanceCase.Of("7.3.3", "close 1000 without reason", Expectation.ClosesAfterPeerClose(CaseData.Normal), WireFrame.Close(CaseData.Normal));
        yield return ConformanceCase.Of(
            "7.3.4", "close 1000 with a reason", Expectation.ClosesAfterPeerClose(CaseData.Normal), WireFrame.Close(CaseData.Normal, "Hello World!"));
        yield return ConformanceCase.Of(
            "7.3.5", "close 1000 with a 123-byte reason (125-byte payload)", Expectation.ClosesAfterPeerClose(CaseData.Normal),
            WireFrame.Close(CaseData.Normal, new string('*', 123)));
        yield return ConformanceCase.Of(
            "7.3.6", "close 1000 with a 124-byte reason (126-byte payload)", Expectation.ClosesAfterPeerClose(CaseData.ProtocolError),
            WireFrame.Close(CaseData.Normal, new string('*', 124)));
        yield return ConformanceCase.Of(
            "7.3.7", "close 1000 with a multibyte UTF-8 reason", Expectation.ClosesAfterPeerClose(CaseData.Normal),
            WireFrame.Close(CaseData.Normal, "κόσμε \U0010FFFF"));

        // Autobahn 7.5.1's payload: valid UTF-8 up to an encoded surrogate (ED A0 80).
        yield return ConformanceCase.Of(
            "7.5.1", "close 1000 with a reason that is not valid UTF-8", Expectation.ClosesAfterPeerClose(CaseData.InvalidPayload),
            WireFrame.CloseRaw(WireFrame.ClosePayload(
                CaseData.Normal, [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80, 0x65, 0x64, 0x69, 0x74, 0x65, 0x64])));
        yield return ConformanceCase.Of(
            "7.5.2", "close 1000 with a reason ending inside a UTF-8 sequence", Expectation.ClosesAfterPeerClose(CaseData.InvalidPayload),
            WireFrame.CloseRaw(WireFrame.ClosePayload(CaseData.Normal, [0x6F, 0x6B, 0xE2, 0x82])));

        foreach (var code in ValidCodes)
        {
            yield return ConformanceCase.Of(
                $"7.7.{code}", $"close with the valid code {code}", Expectation.ClosesAfterPeerClose(CaseData.Normal), WireFrame.Close(code));
        }

        foreach (var code in InvalidCodes)
        {
            yield return ConformanceCase.Of(
                $"7.9.{code}", $"close with the invalid code {code}", Expectation.ClosesAfterPeerClose(CaseData.ProtocolError), WireFrame.Close(code));
        }
    }
}
