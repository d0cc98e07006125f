using System.Net;
using Herald.Diagnostics;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Diagnostics;

/// <summary>Text from a client or a caller reaches the log escaped and capped (LogText), whichever API brought it.</summary>
public sealed class LogSafetyTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DisconnectUser_UidAndReasonWithLineBreaksAndEscapes_AreLoggedEscaped()
    {
        await using var server = await HeraldTestServer.StartAsync();

        await server.Hub.DisconnectUserAsync("evil\r\ninfo: forged", "bye\u001B[2J\u202E", Cancellation);

        var entry = await SingleAsync(server, "UserDisconnected");
        Assert.Equal(@"User evil\u000D\u000Ainfo: forged disconnected on request: 0 connections closed with 4004 (bye\u001B[2J\u202E)", entry.Message);
    }

    [Fact]
    public async Task DisconnectEndpoint_ReasonWithLineBreak_IsLoggedEscaped()
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.Http.PostAsync("/api/v1/users/u/disconnect?reason=a%0D%0Ab", content: null, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = await SingleAsync(server, "UserDisconnected");
        Assert.EndsWith(@"(a\u000D\u000Ab)", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_UnknownPropertyWithLineBreak_IsAnsweredAsSentAndLoggedEscaped()
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.PostJsonAsync(PublishResponses.PublishPath, """{"x\r\ninfo: forged":1,"users":["u"],"data":"d"}""");

        var problem = await PublishResponses.ReadProblemAsync(response, HttpStatusCode.BadRequest, "Invalid publish request");
        Assert.StartsWith("unknown property 'x\r\ninfo: forged'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var entry = await SingleAsync(server, "PublishRejected");
        Assert.StartsWith(@"Publish refused: request is invalid, unknown property 'x\u000D\u000Ainfo: forged'", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_VeryLongUnknownProperty_IsLoggedCutToMaxLength()
    {
        await using var server = await HeraldTestServer.StartAsync();
        var name = new string('n', 3000);

        using var response = await server.PostJsonAsync(PublishResponses.PublishPath, $$"""{"{{name}}":1}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var entry = await SingleAsync(server, "PublishRejected");
        const string Prefix = "Publish refused: request is invalid, ";
        Assert.StartsWith(Prefix, entry.Message, StringComparison.Ordinal);
        var error = entry.Message[Prefix.Length..];
        Assert.True(error.Length <= LogText.MaxLength, $"{error.Length} characters");
        Assert.Matches(@"^unknown property 'n+…\(\d+ more\)$", error);
    }

    [Fact]
    public async Task Publish_IdempotencyKeyReusedWithControlCharacters_IsLoggedEscaped()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await server.PublishAsync("""{"users":["u"],"data":"one","idempotencyKey":"k\u0007\t"}""");

        using var response = await server.PostJsonAsync(PublishResponses.PublishPath, """{"users":["u"],"data":"two","idempotencyKey":"k\u0007\t"}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var entry = await SingleAsync(server, "PublishRejected");
        Assert.StartsWith(@"Publish refused: idempotencyKey is invalid, idempotencyKey 'k\u0007\u0009' was used", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_RefusedItemWithEscapeSequenceInATopic_IsLoggedEscaped()
    {
        await using var server = await HeraldTestServer.StartAsync();

        await server.PublishBatchAsync("""{"messages":[{"users":["u"],"data":"ok"},{"topics":["\u001B]0;pwned\u0007"],"data":"x"}]}""");

        var entry = await SingleAsync(server, "BatchItemsRefused");
        Assert.Equal(
            @"Batch published in part: 1 of 2 messages refused; the first, messages[1]: topics[0] must be 1 to 128 characters of A-Z a-z 0-9 . _ - : / (was '\u001B]0;pwned\u0007')",
            entry.Message);
    }

    [Fact]
    public async Task AnyLogLine_AfterHostileRequests_HoldsNoControlCharacter()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await server.Hub.DisconnectUserAsync("a\nb", "c\rd", Cancellation);
        using var publish = await server.PostJsonAsync(PublishResponses.PublishPath, """{"topics":["\n\u0000\u2028"],"data":"x"}""");
        using var send = await server.Http.GetAsync("/send?uid=&message=%0A", Cancellation);
        await Eventually.TrueAsync(() => server.Logs.Entries.Count(e => e.EventName is "UserDisconnected" or "PublishRejected") == 3, "the three refusals to be logged");

        Assert.All(
            server.Logs.Entries.Where(e => e.EventName is "UserDisconnected" or "PublishRejected"),
            e => Assert.DoesNotContain(e.Message, c => char.IsControl(c) || c is '\u2028' or '\u2029'));
    }

    private static async Task<TestLogCollector.LogEntry> SingleAsync(HeraldTestServer server, string eventName)
    {
        await Eventually.TrueAsync(() => server.Logs.Contains(eventName), $"event {eventName} to be logged");
        return Assert.Single(server.Logs.Entries, e => e.EventName == eventName);
    }
}
