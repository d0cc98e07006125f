using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using Herald.WebSockets;

namespace Herald.Tests.WebSockets;

public sealed class ClientFrameParserTests
{
    private static readonly int[] Sizes = [0, 1, 125, 126, 65535, 65536, 200_000];

    [Fact]
    public async Task TryParseHeader_BclClientStream_ParsesEveryFrame()
    {
        var (wire, expected) = await RecordAllMessagesAsync();

        var frames = ParsedFrame.ParseAll(new ReadOnlySequence<byte>(wire));

        Assert.Equal(expected, frames);
    }

    [Fact]
    public async Task TryParseHeader_BclClientStreamInRandomSegments_ParsesAndUnmasksInPieces()
    {
        var (wire, expected) = await RecordAllMessagesAsync();
        var random = new Random(6455);

        // Segment lengths from 0 to 5000: headers and payloads straddle segments everywhere, at every mask phase.
        var frames = ParsedFrame.ParseAll(SegmentedSequence.Create(wire, Enumerable.Range(0, wire.Length).Select(_ => random.Next(0, 5001))));

        Assert.Equal(expected, frames);
    }

    [Fact]
    public async Task TryParseHeader_BclClientClose_PayloadReadsBackCodeAndReason()
    {
        var wire = await ClientFrameRecorder.RecordAsync((client, ct) =>
            client.CloseOutputAsync((WebSocketCloseStatus)4003, "slow consumer, très lent", ct));

        var frame = Assert.Single(ParsedFrame.ParseAll(new ReadOnlySequence<byte>(wire)));

        Assert.Equal(WebSocketOpcode.Close, frame.Opcode);
        Assert.True(frame.Fin);
        Assert.True(ClosePayload.TryParse(frame.Payload, out var code, out var reason, out var error, out _), error);
        Assert.Equal(4003, code);
        Assert.Equal("slow consumer, très lent", reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(1000)]
    public async Task TryParseHeader_SmallFrameSplitAtEveryOffset_ParsesAndUnmasks(int size)
    {
        var payload = Payload(size, seed: size);
        var wire = await ClientFrameRecorder.RecordAsync((client, ct) => client.SendAsync(payload, WebSocketMessageType.Binary, true, ct));
        var expected = new ParsedFrame(true, WebSocketOpcode.Binary, payload);

        for (var offset = 0; offset <= wire.Length; offset++)
        {
            Assert.Equal(expected, Assert.Single(ParsedFrame.ParseAll(SegmentedSequence.SplitAt(wire, offset))));
        }

        Assert.Equal(expected, Assert.Single(ParsedFrame.ParseAll(SegmentedSequence.Bytewise(wire))));
    }

    [Fact]
    public async Task TryParseHeader_64BitLengthFrameSplitAcrossTheHeader_ParsesAndUnmasks()
    {
        var payload = Payload(65536, seed: 1);
        var wire = await ClientFrameRecorder.RecordAsync((client, ct) => client.SendAsync(payload, WebSocketMessageType.Binary, true, ct));
        var expected = new ParsedFrame(true, WebSocketOpcode.Binary, payload);

        // Every cut inside the 14-byte header and a little past it.
        for (var offset = 0; offset <= 20; offset++)
        {
            Assert.Equal(expected, Assert.Single(ParsedFrame.ParseAll(SegmentedSequence.SplitAt(wire, offset))));
        }

        Assert.Equal(expected, Assert.Single(ParsedFrame.ParseAll(SegmentedSequence.Create(wire, Enumerable.Repeat(1, 20)))));
    }

    [Theory]
    [InlineData(0, 6)]
    [InlineData(125, 6)]
    [InlineData(126, 8)]
    [InlineData(65535, 8)]
    [InlineData(65536, 14)]
    public async Task TryParseHeader_EveryProperPrefixOfAHeader_IsIncomplete(int size, int headerLength)
    {
        var wire = await ClientFrameRecorder.RecordAsync((client, ct) => client.SendAsync(new byte[size], WebSocketMessageType.Text, true, ct));
        Assert.Equal(FrameHeaderStatus.Complete, ClientFrameParser.TryParseHeader(new ReadOnlySequence<byte>(wire), out var header, out _));
        Assert.Equal(headerLength, header.HeaderLength);
        Assert.Equal(size, header.PayloadLength);

        for (var length = 0; length < headerLength; length++)
        {
            var prefix = wire.AsMemory(0, length);
            Assert.Equal(FrameHeaderStatus.Incomplete, ClientFrameParser.TryParseHeader(new ReadOnlySequence<byte>(prefix), out _, out var error));
            Assert.Null(error);
            Assert.Equal(FrameHeaderStatus.Incomplete, ClientFrameParser.TryParseHeader(SegmentedSequence.Bytewise(prefix), out _, out _));
        }

        Assert.Equal(FrameHeaderStatus.Complete, ClientFrameParser.TryParseHeader(new ReadOnlySequence<byte>(wire, 0, headerLength), out _, out _));
    }

    [Theory]
    [InlineData("C185", "RSV1")]
    [InlineData("A185", "RSV2")]
    [InlineData("9185", "RSV3")]
    [InlineData("F185", "all RSV bits")]
    [InlineData("8105", "unmasked text")]
    [InlineData("8200", "unmasked empty binary")]
    [InlineData("8380", "opcode 3")]
    [InlineData("8780", "opcode 7")]
    [InlineData("8B80", "opcode 0xB")]
    [InlineData("8F80", "opcode 0xF")]
    [InlineData("0380", "opcode 3 without FIN")]
    [InlineData("0980", "fragmented ping")]
    [InlineData("0A80", "fragmented pong")]
    [InlineData("0880", "fragmented close")]
    [InlineData("89FE007E", "126-byte ping")]
    [InlineData("8AFE007E", "126-byte pong")]
    [InlineData("88FF0000000000010000", "65536-byte close")]
    [InlineData("82FF8000000000000000", "64-bit length with MSB set")]
    [InlineData("82FFFFFFFFFFFFFFFFFF", "64-bit length of all ones")]
    public void TryParseHeader_ProtocolViolation_ReturnsProtocolErrorWithReason(string hexHeader, string because)
    {
        // The mask key follows; the error must not depend on it being there.
        var bytes = Convert.FromHexString(hexHeader + "01020304");

        var status = ClientFrameParser.TryParseHeader(new ReadOnlySequence<byte>(bytes), out _, out var error);

        Assert.True(status == FrameHeaderStatus.ProtocolError, because);
        AssertUsableCloseReason(error);
        Assert.Equal(FrameHeaderStatus.ProtocolError, ClientFrameParser.TryParseHeader(SegmentedSequence.Bytewise(bytes), out _, out _));
    }

    [Theory]
    [InlineData("C1")]
    [InlineData("83")]
    [InlineData("09")]
    public void TryParseHeader_BadFirstByteAlone_FailsWithoutWaitingForMore(string hexHeader)
    {
        var status = ClientFrameParser.TryParseHeader(new ReadOnlySequence<byte>(Convert.FromHexString(hexHeader)), out _, out var error);

        Assert.Equal(FrameHeaderStatus.ProtocolError, status);
        AssertUsableCloseReason(error);
    }

    [Theory]
    [InlineData("82FE0005", 5, 8)]
    [InlineData("82FF0000000000000005", 5, 14)]
    [InlineData("82FF000000000000FFFF", 65535, 14)]
    [InlineData("89FE0005", 5, 8)]
    [InlineData("89FE007D", 125, 8)]
    [InlineData("82FF7FFFFFFFFFFFFFFF", long.MaxValue, 14)]
    public void TryParseHeader_NonMinimalOrHugeLength_IsAccepted(string hexHeader, long payloadLength, int headerLength)
    {
        var bytes = Convert.FromHexString(hexHeader + "A1B2C3D4");

        var status = ClientFrameParser.TryParseHeader(new ReadOnlySequence<byte>(bytes), out var header, out var error);

        Assert.Equal(FrameHeaderStatus.Complete, status);
        Assert.Null(error);
        Assert.Equal(payloadLength, header.PayloadLength);
        Assert.Equal(headerLength, header.HeaderLength);
        Assert.Equal(0xA1B2C3D4u, header.MaskKey);
        Assert.True(header.Fin);
    }

    [Theory]
    [InlineData(0x0, false)]
    [InlineData(0x1, false)]
    [InlineData(0x2, false)]
    [InlineData(0x8, true)]
    [InlineData(0x9, true)]
    [InlineData(0xA, true)]
    public void IsControl_ByOpcode_IsTrueOnlyForCloseAndPingAndPong(byte opcode, bool expected)
    {
        var header = new ClientFrameHeader(true, (WebSocketOpcode)opcode, 0, 0, 6);

        Assert.Equal(expected, header.IsControl);
    }

    [Fact]
    public async Task TryParseHeader_BclContinuationFrames_ReportFinOnlyOnTheLast()
    {
        var wire = await ClientFrameRecorder.RecordAsync(async (client, ct) =>
        {
            await client.SendAsync("ab"u8.ToArray(), WebSocketMessageType.Text, false, ct);
            await client.SendAsync("cd"u8.ToArray(), WebSocketMessageType.Text, false, ct);
            await client.SendAsync("ef"u8.ToArray(), WebSocketMessageType.Text, true, ct);
        });

        var frames = ParsedFrame.ParseAll(new ReadOnlySequence<byte>(wire));

        Assert.Equal([(false, WebSocketOpcode.Text), (false, WebSocketOpcode.Continuation), (true, WebSocketOpcode.Continuation)], frames.Select(f => (f.Fin, f.Opcode)));
        Assert.Equal("abcdef", string.Concat(frames.Select(f => Encoding.UTF8.GetString(f.Payload))));
    }

    [Fact]
    public async Task Unmask_InTwoPiecesSplitAnywhere_MatchesWhatTheClientSent()
    {
        var payload = Payload(1000, seed: 42);
        var wire = await ClientFrameRecorder.RecordAsync((client, ct) => client.SendAsync(payload, WebSocketMessageType.Binary, true, ct));
        Assert.Equal(FrameHeaderStatus.Complete, ClientFrameParser.TryParseHeader(new ReadOnlySequence<byte>(wire), out var header, out _));
        var masked = wire.AsSpan(header.HeaderLength);

        for (var split = 0; split <= payload.Length; split++)
        {
            var unmasked = masked.ToArray();
            ClientFrameParser.Unmask(unmasked.AsSpan(0, split), header.MaskKey, 0);
            ClientFrameParser.Unmask(unmasked.AsSpan(split), header.MaskKey, split);
            Assert.Equal(payload, unmasked);
        }
    }

    [Fact]
    public async Task Unmask_LargeOffsetBeyondInt32_KeepsTheMaskPhase()
    {
        var payload = Payload(300, seed: 7);
        var wire = await ClientFrameRecorder.RecordAsync((client, ct) => client.SendAsync(payload, WebSocketMessageType.Binary, true, ct));
        Assert.Equal(FrameHeaderStatus.Complete, ClientFrameParser.TryParseHeader(new ReadOnlySequence<byte>(wire), out var header, out _));
        var unmasked = wire.AsSpan(header.HeaderLength).ToArray();

        // Only offset mod 4 matters: 2^33 + 3 is in phase with 3.
        ClientFrameParser.Unmask(unmasked.AsSpan(0, 3), header.MaskKey, 0);
        ClientFrameParser.Unmask(unmasked.AsSpan(3), header.MaskKey, (1L << 33) + 3);

        Assert.Equal(payload, unmasked);
    }

    [Fact]
    public void Unmask_Twice_RestoresTheOriginal()
    {
        var original = Payload(777, seed: 3);
        var buffer = original.ToArray();

        ClientFrameParser.Unmask(buffer, 0xDEADBEEF, 1);
        Assert.NotEqual(original, buffer);
        ClientFrameParser.Unmask(buffer, 0xDEADBEEF, 1);

        Assert.Equal(original, buffer);
    }

    [Fact]
    public void Unmask_MaskKeyBytes_ApplyInWireOrder()
    {
        var buffer = new byte[9];

        ClientFrameParser.Unmask(buffer, 0x11223344, 0);
        Assert.Equal(Convert.FromHexString("112233441122334411"), buffer);

        Array.Clear(buffer);
        ClientFrameParser.Unmask(buffer, 0x11223344, 2);
        Assert.Equal(Convert.FromHexString("334411223344112233"), buffer);
    }

    [Fact]
    public void Unmask_NegativeOffset_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ClientFrameParser.Unmask(new byte[4], 1, -1));

    [Fact]
    public async Task TryParseHeaderAndUnmask_SegmentedFrame_AllocateNothing()
    {
        var payload = Payload(4096, seed: 9);
        var wire = await ClientFrameRecorder.RecordAsync((client, ct) => client.SendAsync(payload, WebSocketMessageType.Binary, true, ct));
        var sequence = SegmentedSequence.SplitAt(wire, 5);
        var scratch = new byte[payload.Length];
        ParseAndUnmask(sequence, scratch);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            ParseAndUnmask(sequence, scratch);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);

        static void ParseAndUnmask(in ReadOnlySequence<byte> sequence, byte[] scratch)
        {
            ClientFrameParser.TryParseHeader(sequence, out var header, out _);
            ClientFrameParser.Unmask(scratch, header.MaskKey, header.HeaderLength);
        }
    }

    private static void AssertUsableCloseReason(string? error)
    {
        Assert.False(string.IsNullOrEmpty(error));
        Assert.InRange(error.Length, 1, 100);
        Assert.True(Ascii.IsValid(error), error);
    }

    private static byte[] Payload(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] TextPayload(int size)
    {
        var bytes = new byte[size];
        for (var i = 0; i < size; i++)
        {
            bytes[i] = (byte)('a' + (i % 26));
        }

        return bytes;
    }

    /// <summary>Every size as text and binary, whole and in three fragments, a non-ASCII text, then a Close.</summary>
    private static async Task<(byte[] Wire, List<ParsedFrame> Expected)> RecordAllMessagesAsync()
    {
        var expected = new List<ParsedFrame>();
        var closePayload = new byte[2 + Encoding.UTF8.GetByteCount("going away ✓")];
        BinaryPrimitives.WriteUInt16BigEndian(closePayload, 1001);
        Encoding.UTF8.GetBytes("going away ✓", closePayload.AsSpan(2));

        var wire = await ClientFrameRecorder.RecordAsync(async (client, ct) =>
        {
            foreach (var size in Sizes)
            {
                foreach (var (type, opcode, payload) in new[]
                {
                    (WebSocketMessageType.Text, WebSocketOpcode.Text, TextPayload(size)),
                    (WebSocketMessageType.Binary, WebSocketOpcode.Binary, Payload(size, seed: size)),
                })
                {
                    await client.SendAsync(payload, type, true, ct);
                    expected.Add(new ParsedFrame(true, opcode, payload));

                    var cuts = new[] { 0, size / 3, 2 * size / 3, size };
                    for (var i = 0; i < 3; i++)
                    {
                        var fragment = payload[cuts[i]..cuts[i + 1]];
                        await client.SendAsync(fragment, type, endOfMessage: i == 2, ct);
                        expected.Add(new ParsedFrame(i == 2, i == 0 ? opcode : WebSocketOpcode.Continuation, fragment));
                    }
                }
            }

            var text = Encoding.UTF8.GetBytes("订单发货 😀");
            await client.SendAsync(text, WebSocketMessageType.Text, true, ct);
            expected.Add(new ParsedFrame(true, WebSocketOpcode.Text, text));

            await client.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "going away ✓", ct);
            expected.Add(new ParsedFrame(true, WebSocketOpcode.Close, closePayload));
        });

        return (wire, expected);
    }
}
