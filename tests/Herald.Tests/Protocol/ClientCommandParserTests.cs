using System.Text;
using CsCheck;
using Herald.Protocol;
using Herald.Streams;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Protocol;

/// <summary>The herald.v1 command parser on its own: each command, and the exact error for what is not one.</summary>
public sealed class ClientCommandParserTests
{
    private const string LoneSurrogate = "is not valid UTF-16: lone surrogate";

    [Fact]
    public void Parse_LoginWithResume_ReadsUidAndPositions()
    {
        var command = Parse("""{"type":"login","uid":"ada","resume":{"user:ada":{"epoch":"e1","seq":4},"broadcast":{"seq":0}}}""", out var error);

        Assert.Null(error);
        Assert.Equal(CommandKind.Login, command!.Kind);
        Assert.Equal("ada", command.Uid);
        Assert.Equal(new StreamPosition("e1", 4), command.Resume!["user:ada"]);
        Assert.Equal(StreamPosition.Start, command.Resume["broadcast"]);
    }

    [Theory]
    [InlineData("""{"type":"\ud800"}""")]
    [InlineData("""{"type":"\udc00"}""")]
    [InlineData("""{"type":"ping\udc00"}""")]
    [InlineData("""{"type":"\ud800login"}""")]
    public void Parse_TypeWithLoneSurrogate_IsInvalidCommandWithoutCommand(string json)
    {
        var command = Parse(json, out var error);

        Assert.Null(command);
        Assert.Equal(new CommandError(HeraldV1ErrorCodes.InvalidCommand, $"type {LoneSurrogate}", null), error);
    }

    [Theory]
    [InlineData("""{"type":"login","uid":"\ud800"}""")]
    [InlineData("""{"type":"login","uid":"ada\udc00"}""")]
    [InlineData("""{"type":"login","uid":"\ude00\ud83d"}""")]
    public void Parse_LoginUidWithLoneSurrogate_IsInvalidLoginCommand(string json)
    {
        var command = Parse(json, out var error);

        Assert.Null(command);
        Assert.Equal(new CommandError(HeraldV1ErrorCodes.InvalidCommand, $"uid {LoneSurrogate}", "login"), error);
    }

    [Fact]
    public void Parse_LoginUidWithEscapedSurrogatePair_ReadsIt()
    {
        var command = Parse("""{"type":"login","uid":"\ud83d\ude00"}""", out var error);

        Assert.Null(error);
        Assert.Equal("😀", command!.Uid);
    }

    [Theory]
    [InlineData("""{"type":"login","uid":"ada","resume":{"\ud800":{"seq":0}}}""")]
    [InlineData("""{"type":"login","uid":"ada","resume":{"user:ada":{"seq":0},"broad\udc00cast":{"seq":0}}}""")]
    public void Parse_ResumeStreamNameWithLoneSurrogate_IsInvalidLoginCommand(string json)
    {
        var command = Parse(json, out var error);

        Assert.Null(command);
        Assert.Equal(new CommandError(HeraldV1ErrorCodes.InvalidCommand, $"resume names a stream that {LoneSurrogate}", "login"), error);
    }

    [Theory]
    [InlineData("""{"type":"login","uid":"ada","resume":{"user:ada":{"epoch":"\ud800","seq":3}}}""")]
    [InlineData("""{"type":"login","uid":"ada","resume":{"user:ada":{"epoch":"e1\udc00","seq":3}}}""")]
    public void Parse_ResumeEpochWithLoneSurrogate_IsInvalidLoginCommand(string json)
    {
        var command = Parse(json, out var error);

        Assert.Null(command);
        Assert.Equal(new CommandError(HeraldV1ErrorCodes.InvalidCommand, $"resume.user:ada.epoch {LoneSurrogate}", "login"), error);
    }

    [Theory]
    [InlineData("subscribe")]
    [InlineData("unsubscribe")]
    public void Parse_TopicWithLoneSurrogate_IsInvalidCommandNamingTopic(string type)
    {
        var command = Parse($$"""{"type":"{{type}}","topic":"orders\ud800"}""", out var error);

        Assert.Null(command);
        Assert.Equal(new CommandError(HeraldV1ErrorCodes.InvalidCommand, $"topic {LoneSurrogate}", type), error);
    }

    [Fact]
    public void Parse_SubscribeResumeEpochWithLoneSurrogate_IsInvalidCommandNamingTheEpoch()
    {
        var command = Parse("""{"type":"subscribe","topic":"orders","resume":{"epoch":"\udc00","seq":1}}""", out var error);

        Assert.Null(command);
        Assert.Equal(new CommandError(HeraldV1ErrorCodes.InvalidCommand, $"resume.epoch {LoneSurrogate}", "subscribe"), error);
    }

    [Theory]
    [InlineData("""{"type":"ping","\ud800":"\udc00"}""")]
    [InlineData("""{"\udc00":1,"type":"ping"}""")]
    [InlineData("""{"\ud800":1,"type":"subscribe","topic":"orders","resume":{"\ud800":0,"seq":0}}""")]
    public void Parse_UnknownPropertyNameWithLoneSurrogate_IsIgnoredLikeAnyUnknownProperty(string json)
    {
        var command = Parse(json, out var error);

        Assert.Null(error);
        Assert.NotNull(command);
    }

    [Fact]
    public void Parse_TopicNotUtf8_IsInvalidCommandNamingTopic()
    {
        // A WebSocket text message is checked for UTF-8 before it gets here; a caller's buffer is not.
        byte[] json = [.. "{\"type\":\"subscribe\",\"topic\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8];

        var command = ClientCommandParser.Parse(json, out var error);

        Assert.Null(command);
        Assert.Equal(new CommandError(HeraldV1ErrorCodes.InvalidCommand, "topic is not valid UTF-8", "subscribe"), error);
    }

    [Fact]
    public void Parse_AnyCommandWithHostileStrings_ReturnsACommandOrAnErrorAndNeverThrows()
    {
        HostileJson.Commands.Sample(json =>
        {
            var command = Parse(json, out var error);

            Assert.True(command is null != (error is null), $"command {command}, error {error}");
        });
    }

    [Fact]
    public void Parse_AnyTokenSoup_ReturnsACommandOrAnErrorAndNeverThrows()
    {
        HostileJson.TokenSoup.Sample(json =>
        {
            var command = Parse(json, out var error);

            Assert.True(command is null != (error is null), $"command {command}, error {error}");
        });
    }

    private static ClientCommand? Parse(string json, out CommandError? error) =>
        ClientCommandParser.Parse(Encoding.UTF8.GetBytes(json), out error);
}
