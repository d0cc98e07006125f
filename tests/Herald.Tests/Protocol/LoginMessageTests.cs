using System.Text;
using CsCheck;
using Herald.Protocol;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Protocol;

public sealed class LoginMessageTests
{
    [Theory]
    [InlineData("""{"uid":"123"}""", "123")]
    [InlineData("""  { "uid" : "a b" , "extra": [1, {"x": 2}] }  """, "a b")]
    [InlineData("""{"meta":{"uid":"inner"},"uid":"outer"}""", "outer")]
    [InlineData("""{"uid":"\u7528\u6237"}""", "用户")]
    public void Parse_ValidLogin_ReturnsUid(string json, string expected)
    {
        var outcome = LoginMessage.Parse(Encoding.UTF8.GetBytes(json), 128, out var uid, out _, out var error);

        Assert.Equal(LoginParseOutcome.Valid, outcome);
        Assert.Equal(expected, uid);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("123")]
    [InlineData("\"uid\"")]
    [InlineData("""["uid","123"]""")]
    [InlineData("""{"user":"123"}""")]
    [InlineData("{\"uid\":\"123\"")]
    [InlineData("""{"uid":"123"}{"uid":"456"}""")]
    [InlineData("""{"uid":"123",}""")]
    public void Parse_NotALogin_IsIgnored(string text)
    {
        var outcome = LoginMessage.Parse(Encoding.UTF8.GetBytes(text), 128, out var uid, out _, out _);

        Assert.Equal(LoginParseOutcome.NotALogin, outcome);
        Assert.Null(uid);
    }

    [Theory]
    [InlineData("""{"uid":""}""", "uid is required and must not be empty")]
    [InlineData("""{"uid":42}""", "uid must be a string")]
    [InlineData("""{"uid":true}""", "uid must be a string")]
    [InlineData("""{"uid":{"id":"1"}}""", "uid must be a string")]
    [InlineData("""{"uid":"12345"}""", "uid must be at most 4 characters (was 5)")]
    public void Parse_UnusableUid_IsInvalidWithReason(string json, string expectedError)
    {
        var outcome = LoginMessage.Parse(Encoding.UTF8.GetBytes(json), 4, out var uid, out _, out var error);

        Assert.Equal(LoginParseOutcome.Invalid, outcome);
        Assert.Null(uid);
        Assert.Equal(expectedError, error);
    }

    [Fact]
    public void Parse_DeeplyNestedJunk_IsIgnoredWithoutThrowing()
    {
        var text = new string('[', 10_000);
        var deep = "{\"a\":" + new string('[', 100) + new string(']', 100) + ",\"uid\":\"x\"}";

        Assert.Equal(LoginParseOutcome.NotALogin, LoginMessage.Parse(Encoding.UTF8.GetBytes(text), 128, out _, out _, out _));
        Assert.Equal(LoginParseOutcome.NotALogin, LoginMessage.Parse(Encoding.UTF8.GetBytes(deep), 128, out _, out _, out _));
    }

    [Theory]
    [InlineData("""{"uid":"\ud800"}""")]
    [InlineData("""{"uid":"\udc00"}""")]
    [InlineData("""{"uid":"abc\ud800"}""")]
    [InlineData("""{"uid":"\ud800x"}""")]
    [InlineData("""{"uid":"\ud800\ud800"}""")]
    [InlineData("""{"uid":"\ude00\ud83d"}""")]
    public void Parse_UidWithLoneSurrogateEscape_IsInvalidWithReason(string json)
    {
        var outcome = LoginMessage.Parse(Encoding.UTF8.GetBytes(json), 128, out var uid, out _, out var error);

        Assert.Equal(LoginParseOutcome.Invalid, outcome);
        Assert.Null(uid);
        Assert.Equal("uid is not valid UTF-16: lone surrogate", error);
    }

    [Fact]
    public void Parse_UidWithEscapedSurrogatePair_IsValid()
    {
        var outcome = LoginMessage.Parse("""{"uid":"\ud83d\ude00"}"""u8, 128, out var uid, out _, out var error);

        Assert.Equal(LoginParseOutcome.Valid, outcome);
        Assert.Equal("😀", uid);
        Assert.Null(error);
    }

    [Fact]
    public void Parse_UidNotUtf8_IsInvalidWithReason()
    {
        // A WebSocket text message is checked for UTF-8 before it gets here; a caller's buffer is not.
        byte[] json = [.. "{\"uid\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8];

        var outcome = LoginMessage.Parse(json, 128, out var uid, out _, out var error);

        Assert.Equal(LoginParseOutcome.Invalid, outcome);
        Assert.Null(uid);
        Assert.Equal("uid is not valid UTF-8", error);
    }

    [Theory]
    [InlineData("""{"\ud800":"x","uid":"123"}""")]
    [InlineData("""{"a\udc00":{"uid":"no"},"uid":"123"}""")]
    public void Parse_OtherPropertyNameWithLoneSurrogate_IsIgnoredLikeAnyOther(string json)
    {
        var outcome = LoginMessage.Parse(Encoding.UTF8.GetBytes(json), 128, out var uid, out _, out var error);

        Assert.Equal(LoginParseOutcome.Valid, outcome);
        Assert.Equal("123", uid);
        Assert.Null(error);
    }

    [Fact]
    public void Parse_SecondUidWithLoneSurrogate_IsIgnoredAsTheFirstCounts()
    {
        var outcome = LoginMessage.Parse("""{"uid":"123","uid":"\ud800"}"""u8, 128, out var uid, out _, out var error);

        Assert.Equal(LoginParseOutcome.Valid, outcome);
        Assert.Equal("123", uid);
        Assert.Null(error);
    }

    [Fact]
    public void Parse_AnyTextWithHostileStrings_GivesAConsistentOutcomeAndNeverThrows()
    {
        Gen.OneOf(HostileJson.Commands, HostileJson.TokenSoup).Sample(text =>
        {
            var outcome = LoginMessage.Parse(Encoding.UTF8.GetBytes(text), 128, out var uid, out _, out var error);

            switch (outcome)
            {
                case LoginParseOutcome.Valid:
                    Assert.True(uid is { Length: > 0 } && error is null, $"uid '{uid}', error '{error}'");
                    break;
                case LoginParseOutcome.Invalid:
                    Assert.True(uid is null && error is not null, $"uid '{uid}', error '{error}'");
                    break;
                default:
                    Assert.Null(uid);
                    break;
            }
        });
    }
}
