using System.Text;
using Herald.Protocol;

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
        var outcome = LoginMessage.Parse(Encoding.UTF8.GetBytes(json), 128, out var uid, out var error);

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
        var outcome = LoginMessage.Parse(Encoding.UTF8.GetBytes(text), 128, out var uid, out _);

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
        var outcome = LoginMessage.Parse(Encoding.UTF8.GetBytes(json), 4, out var uid, out var error);

        Assert.Equal(LoginParseOutcome.Invalid, outcome);
        Assert.Null(uid);
        Assert.Equal(expectedError, error);
    }

    [Fact]
    public void Parse_DeeplyNestedJunk_IsIgnoredWithoutThrowing()
    {
        var text = new string('[', 10_000);
        var deep = "{\"a\":" + new string('[', 100) + new string(']', 100) + ",\"uid\":\"x\"}";

        Assert.Equal(LoginParseOutcome.NotALogin, LoginMessage.Parse(Encoding.UTF8.GetBytes(text), 128, out _, out _));
        Assert.Equal(LoginParseOutcome.NotALogin, LoginMessage.Parse(Encoding.UTF8.GetBytes(deep), 128, out _, out _));
    }
}
