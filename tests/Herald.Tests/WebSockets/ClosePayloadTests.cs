using System.Buffers.Binary;
using System.Text;
using Herald.WebSockets;

namespace Herald.Tests.WebSockets;

public sealed class ClosePayloadTests
{
    [Theory]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(1002)]
    [InlineData(1003)]
    [InlineData(1007)]
    [InlineData(1008)]
    [InlineData(1009)]
    [InlineData(1010)]
    [InlineData(1011)]
    [InlineData(1012)]
    [InlineData(1013)]
    [InlineData(1014)]
    [InlineData(3000)]
    [InlineData(4000)]
    [InlineData(4999)]
    public void TryParse_AllowedCode_ReturnsCodeAndReason(int wireCode)
    {
        var ok = ClosePayload.TryParse(Payload(wireCode, "bye ✓"), out var code, out var reason, out var error, out _);

        Assert.True(ok, error);
        Assert.Equal(wireCode, code);
        Assert.Equal("bye ✓", reason);
        Assert.Null(error);
    }

    [Fact]
    public void TryParse_CodeWithoutReason_ReturnsEmptyReason()
    {
        Assert.True(ClosePayload.TryParse(Payload(1000, ""), out var code, out var reason, out _, out _));

        Assert.Equal(1000, code);
        Assert.Equal("", reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1004)]
    [InlineData(1005)]
    [InlineData(1006)]
    [InlineData(1015)]
    [InlineData(1016)]
    [InlineData(2000)]
    [InlineData(2999)]
    [InlineData(5000)]
    [InlineData(65535)]
    public void TryParse_CodeNotAllowedOnTheWire_ReturnsFalseWith1002(int wireCode)
    {
        var ok = ClosePayload.TryParse(Payload(wireCode, "x"), out _, out _, out var error, out var errorCode);

        Assert.False(ok);
        Assert.Equal(1002, errorCode);
        AssertUsableCloseReason(error);
        Assert.Contains(wireCode.ToString(System.Globalization.CultureInfo.InvariantCulture), error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_EmptyPayload_Means1005WithNoReason()
    {
        var ok = ClosePayload.TryParse([], out var code, out var reason, out var error, out _);

        Assert.True(ok);
        Assert.Equal(1005, code);
        Assert.Equal("", reason);
        Assert.Null(error);
    }

    [Fact]
    public void TryParse_OneBytePayload_ReturnsFalseWithReason()
    {
        var ok = ClosePayload.TryParse([0x03], out _, out var reason, out var error, out _);

        Assert.False(ok);
        Assert.Equal("", reason);
        AssertUsableCloseReason(error);
    }

    [Theory]
    [InlineData("C328")]
    [InlineData("FF")]
    [InlineData("C0AF")]
    [InlineData("EDA080")]
    [InlineData("F0908D")]
    [InlineData("F4908080")]
    public void TryParse_ReasonNotValidUtf8_ReturnsFalseWith1007(string reasonHex)
    {
        var payload = Convert.FromHexString("03E8" + reasonHex);

        var ok = ClosePayload.TryParse(payload, out _, out _, out var error, out var errorCode);

        Assert.False(ok);
        Assert.Equal(1007, errorCode);
        AssertUsableCloseReason(error);
    }

    [Fact]
    public void TryParse_ServerFrameCloseReason_RoundTrips()
    {
        var frame = ServerFrame.CreateClose(4002, "already logged in — déjà");

        var ok = ClosePayload.TryParse(frame.AsSpan(2), out var code, out var reason, out _, out _);

        Assert.True(ok);
        Assert.Equal(4002, code);
        Assert.Equal("already logged in — déjà", reason);
    }

    [Theory]
    [InlineData(999, false)]
    [InlineData(1000, true)]
    [InlineData(1003, true)]
    [InlineData(1004, false)]
    [InlineData(1006, false)]
    [InlineData(1007, true)]
    [InlineData(1014, true)]
    [InlineData(1015, false)]
    [InlineData(2999, false)]
    [InlineData(3000, true)]
    [InlineData(4999, true)]
    [InlineData(5000, false)]
    public void IsValidCode_AtEachBoundary_MatchesRfc6455(int code, bool expected) =>
        Assert.Equal(expected, ClosePayload.IsValidCode(code));

    private static byte[] Payload(int code, string reason)
    {
        var payload = new byte[2 + Encoding.UTF8.GetByteCount(reason)];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
        Encoding.UTF8.GetBytes(reason, payload.AsSpan(2));
        return payload;
    }

    private static void AssertUsableCloseReason(string? error)
    {
        Assert.False(string.IsNullOrEmpty(error));
        Assert.InRange(error.Length, 1, 100);
        Assert.True(Ascii.IsValid(error), error);
    }
}
