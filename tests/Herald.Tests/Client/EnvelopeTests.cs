using System.Text;
using System.Text.Json;
using Herald.Client.Subscribing;

namespace Herald.Tests.Client;

/// <summary>The herald.v1 envelopes the subscriber writes and reads (docs/protocol.md).</summary>
public sealed class EnvelopeTests
{
    [Fact]
    public void Login_WithoutPositions_HasNoResume() =>
        Assert.Equal("""{"type":"login","uid":"123"}""", Text(ClientEnvelopes.Login("123", null, [])));

    [Fact]
    public void Login_WithPositions_ResumesEachAndOmitsAMissingEpoch()
    {
        var envelope = ClientEnvelopes.Login("订单/42", null, [new("user:订单/42", new StreamPosition(null, 0)), new("broadcast", new StreamPosition("Jq0dXc2mN1A", 7))]);

        using var document = JsonDocument.Parse(envelope);
        var resume = document.RootElement.GetProperty("resume");
        Assert.Equal("订单/42", document.RootElement.GetProperty("uid").GetString());
        Assert.Equal("""{"seq":0}""", resume.GetProperty("user:订单/42").GetRawText());
        Assert.Equal("""{"epoch":"Jq0dXc2mN1A","seq":7}""", resume.GetProperty("broadcast").GetRawText());
    }

    [Fact]
    public void Login_WithATokenAndNoUserId_SendsTheTokenAlone() =>
        Assert.Equal("""{"type":"login","token":"eyJ.a.b"}""", Text(ClientEnvelopes.Login(null, "eyJ.a.b", [])));

    [Fact]
    public void Login_WithATokenAndItsUser_SendsBothAndTheResume() =>
        Assert.Equal(
            """{"type":"login","uid":"123","token":"eyJ.a.b","resume":{"broadcast":{"epoch":"Jq0dXc2mN1A","seq":7}}}""",
            Text(ClientEnvelopes.Login("123", "eyJ.a.b", [new("broadcast", new StreamPosition("Jq0dXc2mN1A", 7))])));

    [Fact]
    public void Refresh_CarriesTheToken() =>
        Assert.Equal("""{"type":"refresh","token":"eyJ.c.d"}""", Text(ClientEnvelopes.Refresh("eyJ.c.d")));

    [Fact]
    public void Subscribe_WithAndWithoutPosition()
    {
        Assert.Equal("""{"type":"subscribe","topic":"orders"}""", Text(ClientEnvelopes.Subscribe("orders", null)));
        Assert.Equal(
            """{"type":"subscribe","topic":"orders","resume":{"epoch":"Pz0a9dKq3Lw","seq":12}}""",
            Text(ClientEnvelopes.Subscribe("orders", new StreamPosition("Pz0a9dKq3Lw", 12))));
    }

    [Fact]
    public void Unsubscribe_NamesTheTopic() =>
        Assert.Equal("""{"type":"unsubscribe","topic":"a/b"}""", Text(ClientEnvelopes.Unsubscribe("a/b")));

    [Fact]
    public void Parse_Message_ReadsEveryFieldAndOwnsItsData()
    {
        var bytes = Encoding.UTF8.GetBytes(
            """{"type":"message","stream":"user:123","epoch":"x1Yq3v0Vc8k","seq":56,"id":"0193d5c2a4e87b6f9c0d1e2f3a4b5c6d","time":"2026-11-25T10:00:00.123Z","data":{"progress":40},"key":"job-7"}""");

        var envelope = ServerEnvelope.Parse(bytes);
        Array.Clear(bytes);

        Assert.Equal("message", envelope.Type);
        Assert.Equal("user:123", envelope.Stream);
        Assert.Equal("x1Yq3v0Vc8k", envelope.Epoch);
        Assert.Equal(56, envelope.Seq);
        Assert.Equal("0193d5c2a4e87b6f9c0d1e2f3a4b5c6d", envelope.Id);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, 123, TimeSpan.Zero), envelope.Time);
        Assert.Equal(40, envelope.Data!.Value.GetProperty("progress").GetInt32());
        Assert.Equal("job-7", envelope.Key);
    }

    [Fact]
    public void Parse_JoinedNotRecovered_ReadsTheResumeResult()
    {
        var envelope = ServerEnvelope.Parse(
            """{"type":"joined","stream":"user:123","epoch":"x1Yq3v0Vc8k","seq":55,"recovered":false,"reason":"window_exceeded","replayed":100}"""u8);

        Assert.Equal(("joined", false, "window_exceeded", 100), (envelope.Type, envelope.Recovered, envelope.Reason, envelope.Replayed));
    }

    [Fact]
    public void Parse_JoinedWithoutHistory_HasANullEpoch()
    {
        var envelope = ServerEnvelope.Parse("""{"type":"joined","stream":"topic:orders","epoch":null,"seq":0}"""u8);

        Assert.Null(envelope.Epoch);
        Assert.Equal(0, envelope.Seq);
        Assert.Null(envelope.Recovered);
    }

    [Fact]
    public void Parse_WelcomeWithExpiry_ReadsTheUserAndTheExpiry()
    {
        var envelope = ServerEnvelope.Parse("""{"type":"welcome","uid":"123","connectionId":"42","expires_at":"2026-12-02T10:00:00.000Z"}"""u8);

        Assert.Equal(("welcome", "123"), (envelope.Type, envelope.Uid));
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero), envelope.ExpiresAt);
    }

    [Fact]
    public void Parse_TokenExpiringAndRefreshed_ReadTheExpiry()
    {
        Assert.Equal(
            new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero),
            ServerEnvelope.Parse("""{"type":"token_expiring","expires_at":"2026-12-02T10:00:00.000Z"}"""u8).ExpiresAt);
        Assert.Null(ServerEnvelope.Parse("""{"type":"refreshed","expires_at":null}"""u8).ExpiresAt);
    }

    [Fact]
    public void Parse_UnknownFields_AreIgnored() =>
        Assert.Equal("pong", ServerEnvelope.Parse("""{"type":"pong","addedLater":[1,2]}"""u8).Type);

    [Theory]
    [InlineData("null")]
    [InlineData("[1]")]
    [InlineData("""{"type":"message","seq":"56"}""")]
    [InlineData("""{"type":"message",""")]
    public void Parse_NotAnEnvelope_Throws(string text) =>
        Assert.ThrowsAny<JsonException>(() => ServerEnvelope.Parse(Encoding.UTF8.GetBytes(text)));

    private static string Text(byte[] utf8) => Encoding.UTF8.GetString(utf8);
}
