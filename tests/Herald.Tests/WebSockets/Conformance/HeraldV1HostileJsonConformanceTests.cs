using System.Text;
using System.Text.Json.Nodes;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// herald.v1 commands carrying lone surrogate escapes (<c>\ud800</c>, <c>\udc00</c>): valid JSON syntax
/// (RFC 8259 §8.2), but no text. Each gets the documented answer for a value that breaks its field's rule
/// (docs/protocol.md): a login closes with 4000, any other command gets an <c>error</c> envelope and the
/// connection stays open. Never an aborted connection without a Close, never an error in the server's log.
/// </summary>
public abstract class HeraldV1HostileJsonConformanceTests(bool direct, ConformanceServers servers)
    : BothWebSocketPaths(direct), IClassFixture<ConformanceServers>
{
    private const string Subprotocol = "herald.v1";

    [Theory]
    [InlineData("""\ud800""")]
    [InlineData("""\udc00""")]
    [InlineData("""a\udbffb""")]
    public async Task Login_UidWithLoneSurrogate_ClosesWith4000(string uid)
    {
        await using var session = await StartAsync();
        var peer = session.Peer;

        await SendAsync(peer, $$"""{"type":"login","uid":"{{uid}}"}""");

        await ExpectCloseAsync(peer, HeraldCloseCodes.InvalidLogin);
        session.AssertNoErrorLogged();
    }

    [Theory]
    [InlineData("""\ud800""")]
    [InlineData("""user:\udc00""")]
    public async Task Login_ResumeStreamNameWithLoneSurrogate_ClosesWith4000(string stream)
    {
        await using var session = await StartAsync();
        var peer = session.Peer;

        await SendAsync(peer, "{\"type\":\"login\",\"uid\":\"u1\",\"resume\":{\"" + stream + "\":{\"seq\":0}}}");

        await ExpectCloseAsync(peer, HeraldCloseCodes.InvalidLogin);
        session.AssertNoErrorLogged();
    }

    [Theory]
    [InlineData("""\ud800""")]
    [InlineData("""x1Yq3v0V\udc00""")]
    public async Task Login_ResumeEpochWithLoneSurrogate_ClosesWith4000(string epoch)
    {
        await using var session = await StartAsync();
        var peer = session.Peer;

        await SendAsync(peer, "{\"type\":\"login\",\"uid\":\"u1\",\"resume\":{\"user:u1\":{\"epoch\":\"" + epoch + "\",\"seq\":3}}}");

        await ExpectCloseAsync(peer, HeraldCloseCodes.InvalidLogin);
        session.AssertNoErrorLogged();
    }

    [Theory]
    [InlineData("""\ud800""")]
    [InlineData("""ping\udc00""")]
    public async Task Command_TypeWithLoneSurrogate_AnswersInvalidCommandAndStaysOpen(string type)
    {
        await using var session = await StartAsync();
        var peer = session.Peer;

        await SendAsync(peer, $$"""{"type":"{{type}}"}""");

        var error = await ReceiveEnvelopeAsync(peer);
        Assert.Equal(("error", "invalid_command"), ((string?)error["type"], (string?)error["code"]));
        await ExpectStillOpenAsync(peer);
        session.AssertNoErrorLogged();
    }

    [Theory]
    [InlineData("subscribe", """\ud800""")]
    [InlineData("subscribe", """orders\udc00""")]
    [InlineData("unsubscribe", """\ud800""")]
    public async Task TopicCommand_TopicWithLoneSurrogate_AnswersInvalidCommandAndStaysOpen(string command, string topic)
    {
        await using var session = await StartAsync();
        var peer = session.Peer;
        await LogInAsync(peer, "u1");

        await SendAsync(peer, $$"""{"type":"{{command}}","topic":"{{topic}}"}""");

        var error = await ReceiveEnvelopeAsync(peer);
        // Refused like a topic of the wrong type (docs/protocol.md, "Rules for every client message").
        Assert.Equal(("error", "invalid_command", command), ((string?)error["type"], (string?)error["code"], (string?)error["command"]));
        Assert.Equal("topic is not valid UTF-16: lone surrogate", (string?)error["message"]);
        await ExpectStillOpenAsync(peer);
        session.AssertNoErrorLogged();
    }

    [Fact]
    public async Task Subscribe_ResumeEpochWithLoneSurrogate_AnswersInvalidCommandAndStaysOpen()
    {
        await using var session = await StartAsync();
        var peer = session.Peer;
        await LogInAsync(peer, "u1");

        await SendAsync(peer, """{"type":"subscribe","topic":"orders","resume":{"epoch":"\ud800","seq":3}}""");

        var error = await ReceiveEnvelopeAsync(peer);
        Assert.Equal(("error", "invalid_command", "subscribe"), ((string?)error["type"], (string?)error["code"], (string?)error["command"]));
        await ExpectStillOpenAsync(peer);
        session.AssertNoErrorLogged();
    }

    [Fact]
    public async Task Command_PropertyNameWithLoneSurrogate_IsIgnored()
    {
        await using var session = await StartAsync();
        var peer = session.Peer;

        await SendAsync(peer, """{"\ud800":1,"type":"ping"}""");

        Assert.Equal("pong", (string?)(await ReceiveEnvelopeAsync(peer))["type"]);
        session.AssertNoErrorLogged();
    }

    [Fact]
    public async Task Login_UidWithSurrogatePairEscape_IsWelcomedAsThatCharacter()
    {
        await using var session = await StartAsync();
        var peer = session.Peer;

        var welcome = await LogInAsync(peer, """smile\ud83d\ude00""");

        Assert.Equal("smile\U0001F600", (string?)welcome["uid"]);
        session.AssertNoErrorLogged();
    }

    /// <summary>A herald.v1 connection to the shared server of this path.</summary>
    private async Task<ErrorCheckedSession> StartAsync()
    {
        var server = await servers.GetAsync(Direct);
        return new ErrorCheckedSession(server, server.LoggedErrors().Count, await server.ConnectAsync(Subprotocol));
    }

    private static Task SendAsync(IConformancePeer peer, string json) => peer.WriteAsync(WireFrame.Text(json).ToBytes());

    /// <summary>Logs in (uid as it goes into the JSON) and reads welcome and both joined; returns welcome.</summary>
    private static async Task<JsonObject> LogInAsync(IConformancePeer peer, string uid)
    {
        await SendAsync(peer, $$"""{"type":"login","uid":"{{uid}}"}""");
        var welcome = await ReceiveEnvelopeAsync(peer);
        Assert.Equal("welcome", (string?)welcome["type"]);
        Assert.Equal("joined", (string?)(await ReceiveEnvelopeAsync(peer))["type"]);
        Assert.Equal("joined", (string?)(await ReceiveEnvelopeAsync(peer))["type"]);
        return welcome;
    }

    private static async Task<JsonObject> ReceiveEnvelopeAsync(IConformancePeer peer)
    {
        var next = await peer.ReadAsync(ConformanceRunner.Timeout);
        Assert.True(next.Frame is { Opcode: ReceivedFrame.TextOpcode }, $"expected a text frame with an envelope, got {next}");
        return JsonNode.Parse(Encoding.UTF8.GetString(next.Frame!.Payload))!.AsObject();
    }

    /// <summary>The herald.v1 ping command still gets its pong.</summary>
    private static async Task ExpectStillOpenAsync(IConformancePeer peer)
    {
        await SendAsync(peer, """{"type":"ping"}""");
        Assert.Equal("pong", (string?)(await ReceiveEnvelopeAsync(peer))["type"]);
    }

    /// <summary>The server's Close with <paramref name="code"/>; the peer answers it, and the server ends the connection cleanly.</summary>
    private static async Task ExpectCloseAsync(IConformancePeer peer, int code)
    {
        var close = await peer.ReadAsync(ConformanceRunner.Timeout);
        Assert.True(close.Frame is { IsClose: true } && close.Frame.CloseCode == code, $"expected Close {code}, got {close}");
        await peer.WriteAsync(WireFrame.Close(code).ToBytes());
        var end = await peer.ReadAsync(ConformanceRunner.Timeout);
        Assert.True(end.Kind == PeerEventKind.Ended, $"expected a clean end (FIN) after the close handshake, got {end}");
    }
}

public sealed class HeraldV1HostileJsonConformanceTestsThroughAspNetCore(ConformanceServers servers) : HeraldV1HostileJsonConformanceTests(direct: false, servers);

public sealed class HeraldV1HostileJsonConformanceTestsOnDirectPath(ConformanceServers servers) : HeraldV1HostileJsonConformanceTests(direct: true, servers);
