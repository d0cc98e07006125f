using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using Herald.WebSockets;

namespace Herald.Tests.WebSockets;

public sealed class ServerFrameTests
{
    public static TheoryData<int> Sizes => [0, 125, 126, 65535, 65536, 200_000];

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task CreateText_ReadByBclClient_ReceivesTheText(int size)
    {
        var text = string.Create(size, 0, (chars, _) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)('a' + (i % 26));
            }
        });

        var frame = ServerFrame.CreateText(text);
        using var reader = new BclClientReader(frame);
        var (type, payload) = await reader.ReceiveAsync();

        Assert.Equal(ServerFrame.GetHeaderLength(size) + size, frame.Length);
        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal(text, Encoding.UTF8.GetString(payload));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Create_Binary_ReadByBclClient_ReceivesTheBytes(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);

        var frame = ServerFrame.Create(WebSocketOpcode.Binary, bytes);
        using var reader = new BclClientReader(frame);
        var (type, payload) = await reader.ReceiveAsync();

        Assert.Equal(ServerFrame.GetHeaderLength(size) + size, frame.Length);
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(bytes, payload);
    }

    [Fact]
    public async Task CreateText_NonAscii_ReceivedIntact()
    {
        const string text = "订单发货 ✓ — naïve café 😀👍🏽";

        var frame = ServerFrame.CreateText(text);
        using var reader = new BclClientReader(frame);
        var (type, payload) = await reader.ReceiveAsync();

        Assert.Equal(Encoding.UTF8.GetByteCount(text) + 2, frame.Length);
        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal(text, Encoding.UTF8.GetString(payload));
    }

    [Fact]
    public async Task CreateText_LoneSurrogate_BecomesReplacementCharacter()
    {
        // The BCL client rejects invalid UTF-8 in text messages, so this also proves the payload is valid.
        var frame = ServerFrame.CreateText("a\uD800b");
        using var reader = new BclClientReader(frame);
        var (type, payload) = await reader.ReceiveAsync();

        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal("a\uFFFDb", Encoding.UTF8.GetString(payload));
    }

    [Fact]
    public async Task Create_ManyFramesBackToBack_ReadByBclClientInOrder()
    {
        var texts = Sizes.Select(size => new string('x', size) + size).ToArray();
        var frames = texts.Select(ServerFrame.CreateText).Append(ServerFrame.CreateClose(1000, "done")).ToArray();

        using var reader = new BclClientReader(frames);
        foreach (var text in texts)
        {
            var (type, payload) = await reader.ReceiveAsync();
            Assert.Equal(WebSocketMessageType.Text, type);
            Assert.Equal(text, Encoding.UTF8.GetString(payload));
        }

        var (closeType, _) = await reader.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Close, closeType);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, reader.Client.CloseStatus);
        Assert.Equal("done", reader.Client.CloseStatusDescription);
    }

    [Fact]
    public async Task Create_Ping_BclClientAnswersWithPongOfTheSamePayload()
    {
        var pingPayload = "are you there?"u8.ToArray();

        // The text after the ping makes ReceiveAsync return once the client has handled the ping.
        using var reader = new BclClientReader(ServerFrame.Create(WebSocketOpcode.Ping, pingPayload), ServerFrame.CreateText("after"));
        var (type, payload) = await reader.ReceiveAsync();

        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal("after", Encoding.UTF8.GetString(payload));
        var pong = Assert.Single(ParsedFrame.ParseAll(new ReadOnlySequence<byte>(reader.Written)));
        Assert.Equal(new ParsedFrame(true, WebSocketOpcode.Pong, pingPayload), pong);
    }

    [Theory]
    [InlineData(1000, "bye")]
    [InlineData(1001, "")]
    [InlineData(1011, "é")]
    [InlineData(4003, "slow consumer")]
    public async Task CreateClose_ReadByBclClient_ReportsStatusAndDescription(int code, string reason)
    {
        var frame = ServerFrame.CreateClose(code, reason);
        using var reader = new BclClientReader(frame);
        var (type, _) = await reader.ReceiveAsync();

        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal((WebSocketCloseStatus)code, reader.Client.CloseStatus);
        Assert.Equal(reason, reader.Client.CloseStatusDescription);
    }

    [Theory]
    [InlineData("", "é", 61)]
    [InlineData("a", "é", 61)]
    [InlineData("ab", "é", 60)]
    [InlineData("", "€", 41)]
    [InlineData("a", "€", 40)]
    [InlineData("", "😀", 30)]
    [InlineData("abc", "😀", 30)]
    [InlineData("abcd", "😀", 29)]
    public async Task CreateClose_LongMultiByteReason_CutAtACharacterBoundary(string prefix, string character, int keptCharacters)
    {
        var reason = prefix + string.Concat(Enumerable.Repeat(character, 100));
        var expected = prefix + string.Concat(Enumerable.Repeat(character, keptCharacters));

        var frame = ServerFrame.CreateClose(4000, reason);
        using var reader = new BclClientReader(frame);
        var (type, _) = await reader.ReceiveAsync();

        Assert.InRange(frame[1], 2, 125);
        Assert.Equal(frame.Length - 2, frame[1]);
        Assert.Equal(2 + 2 + Encoding.UTF8.GetByteCount(expected), frame.Length);
        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal((WebSocketCloseStatus)4000, reader.Client.CloseStatus);
        Assert.Equal(expected, reader.Client.CloseStatusDescription);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1004)]
    [InlineData(1005)]
    [InlineData(1006)]
    [InlineData(1015)]
    [InlineData(2999)]
    [InlineData(5000)]
    public void CreateClose_CodeNotAllowedOnTheWire_Throws(int code) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ServerFrame.CreateClose(code, "x"));

    [Theory]
    [InlineData(0, 2)]
    [InlineData(125, 2)]
    [InlineData(126, 4)]
    [InlineData(65535, 4)]
    [InlineData(65536, 10)]
    [InlineData(int.MaxValue, 10)]
    public void GetHeaderLength_AtEachBoundary_PicksTheLengthEncoding(int payloadLength, int expected) =>
        Assert.Equal(expected, ServerFrame.GetHeaderLength(payloadLength));

    [Theory]
    [InlineData(0x1, 0, "8100")]
    [InlineData(0x2, 125, "827D")]
    [InlineData(0x1, 126, "817E007E")]
    [InlineData(0x2, 65535, "827EFFFF")]
    [InlineData(0x1, 65536, "817F0000000000010000")]
    [InlineData(0x2, int.MaxValue, "827F000000007FFFFFFF")]
    [InlineData(0x8, 2, "8802")]
    [InlineData(0x9, 125, "897D")]
    [InlineData(0xA, 0, "8A00")]
    public void WriteHeader_ByLength_WritesFinUnmaskedBigEndianHeader(byte opcode, int payloadLength, string expectedHex)
    {
        var destination = new byte[ServerFrame.MaxHeaderLength + 1];
        destination.AsSpan().Fill(0xEE);

        var written = ServerFrame.WriteHeader(destination, (WebSocketOpcode)opcode, payloadLength);

        Assert.Equal(expectedHex, Convert.ToHexString(destination, 0, written));
        Assert.Equal(ServerFrame.GetHeaderLength(payloadLength), written);
        Assert.All(destination[written..], b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void WriteHeader_ControlFrameOver125Bytes_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ServerFrame.WriteHeader(new byte[10], WebSocketOpcode.Ping, 126));

    [Fact]
    public void WriteHeader_DestinationTooShort_Throws() =>
        Assert.Throws<ArgumentException>(() => ServerFrame.WriteHeader(new byte[3], WebSocketOpcode.Text, 126));

    [Fact]
    public void CreateText_OneKilobyte_AllocatesOnlyTheFrame()
    {
        var text = new string('é', 1000);
        ServerFrame.CreateText(text);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var frame = ServerFrame.CreateText(text);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // One byte[] of 2004 bytes plus its object header; a second buffer of the payload would double it.
        Assert.Equal(2004, frame.Length);
        Assert.InRange(allocated, frame.Length, frame.Length + 32);
    }
}
