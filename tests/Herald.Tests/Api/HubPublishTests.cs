using System.Text.Json;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Api;

/// <summary><see cref="IHeraldHub.PublishAsync"/>: the in-process publish, with the rules of <c>POST /api/v1/publish</c>.</summary>
public sealed class HubPublishTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PublishAsync_Text_SeedClientReceivesItAndResultDescribesTheStream()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u");

        var result = await server.Hub.PublishAsync(new HeraldPublication { Users = ["u"], Text = "{\"not\":\"parsed\"}" }, Cancellation);

        Assert.True(PublishResponses.IsMessageId(result.Id), $"id '{result.Id}' is not 32 hex digits");
        Assert.Equal(1, result.Delivered);
        Assert.False(result.Duplicate);
        var stream = Assert.Single(result.Streams);
        Assert.Equal(new HeraldStreamResult("user:u", stream.Epoch, 1, 1), stream);
        Assert.False(string.IsNullOrEmpty(stream.Epoch));
        Assert.Equal("{\"not\":\"parsed\"}", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task PublishAsync_JsonObject_SeedClientReceivesItsJsonText()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u");
        using var document = JsonDocument.Parse("""{"order":1042,"status":"paid"}""");

        var result = await server.Hub.PublishAsync(new HeraldPublication { Users = ["u"], Json = document.RootElement }, Cancellation);

        Assert.Equal(1, result.Delivered);
        Assert.Equal("""{"order":1042,"status":"paid"}""", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task PublishAsync_JsonNestedElement_SendsOnlyThatElement()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u");
        using var document = JsonDocument.Parse("""{"envelope":{"inner":[1,2]},"other":true}""");

        await server.Hub.PublishAsync(new HeraldPublication { Users = ["u"], Json = document.RootElement.GetProperty("envelope") }, Cancellation);

        Assert.Equal("""{"inner":[1,2]}""", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task PublishAsync_JsonString_SeedClientReceivesTheStringsText()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u");
        using var document = JsonDocument.Parse("\"line\\n\\u00e9 \\\"q\\\"\"");

        await server.Hub.PublishAsync(new HeraldPublication { Users = ["u"], Json = document.RootElement }, Cancellation);

        Assert.Equal("line\né \"q\"", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task PublishAsync_JsonStringAndSameText_AreTheSameMessageForIdempotency()
    {
        await using var server = await HeraldTestServer.StartAsync();
        using var document = JsonDocument.Parse("\"same\"");

        var asText = await server.Hub.PublishAsync(new HeraldPublication { Users = ["u"], Text = "same", IdempotencyKey = "k" }, Cancellation);
        var asJson = await server.Hub.PublishAsync(new HeraldPublication { Users = ["u"], Json = document.RootElement, IdempotencyKey = "k" }, Cancellation);

        Assert.True(asJson.Duplicate);
        Assert.Equal(asText.Id, asJson.Id);
    }

    [Fact]
    public async Task PublishAsync_TopicsAndBroadcast_StreamsInOrderWithOneId()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u");

        var result = await server.Hub.PublishAsync(
            new HeraldPublication { Broadcast = true, Topics = ["t", "t"], Users = ["u", "v", "u"], Text = "x" }, Cancellation);

        Assert.Equal(["user:u", "user:v", "topic:t", "broadcast"], result.Streams.Select(s => s.Stream));
        Assert.Equal([1, 0, 0, 1], result.Streams.Select(s => s.Delivered));
        Assert.Equal(2, result.Delivered);
        Assert.Equal("x", await client.ReceiveTextAsync());
        Assert.Equal("x", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task PublishAsync_AfterSendToUserAsync_SharesTheUserStream()
    {
        await using var server = await HeraldTestServer.StartAsync();

        await server.Hub.SendToUserAsync("5", "first", Cancellation);
        var result = await server.Hub.PublishAsync(new HeraldPublication { Users = ["5"], Text = "second" }, Cancellation);

        Assert.Equal(2, Assert.Single(result.Streams).Seq);
    }

    [Fact]
    public async Task PublishAsync_TextAndJsonBoth_ThrowsArgumentException()
    {
        await using var server = await HeraldTestServer.StartAsync();
        using var document = JsonDocument.Parse("1");

        var exception = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await server.Hub.PublishAsync(new HeraldPublication { Users = ["u"], Text = "x", Json = document.RootElement }, Cancellation));

        Assert.StartsWith("give the message as Text or as Json, not both", exception.Message, StringComparison.Ordinal);
        Assert.Equal("publication", exception.ParamName);
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);
    }

    [Fact]
    public async Task PublishAsync_NeitherTextNorJson_ThrowsArgumentExceptionNamingData()
    {
        await using var server = await HeraldTestServer.StartAsync();

        var exception = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await server.Hub.PublishAsync(new HeraldPublication { Users = ["u"] }, Cancellation));

        Assert.StartsWith("data is required and must not be null", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);
    }

    [Fact]
    public async Task PublishAsync_JsonNullOrDefault_ThrowsArgumentExceptionNamingData()
    {
        await using var server = await HeraldTestServer.StartAsync();
        using var document = JsonDocument.Parse("null");

        var fromNull = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await server.Hub.PublishAsync(new HeraldPublication { Users = ["u"], Json = document.RootElement }, Cancellation));
        var fromDefault = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await server.Hub.PublishAsync(new HeraldPublication { Users = ["u"], Json = default(JsonElement) }, Cancellation));

        Assert.StartsWith("data is required and must not be null", fromNull.Message, StringComparison.Ordinal);
        Assert.StartsWith("data is required and must not be null", fromDefault.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad topic!", "topics[0] must be 1 to 128 characters of A-Z a-z 0-9 . _ - : / (was 'bad topic!')")]
    [InlineData("", "topics[0] must be 1 to 128 characters of A-Z a-z 0-9 . _ - : / (was '')")]
    public async Task PublishAsync_InvalidTopic_ThrowsArgumentExceptionWithTheRulesMessage(string topic, string message)
    {
        await using var server = await HeraldTestServer.StartAsync();

        var exception = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await server.Hub.PublishAsync(new HeraldPublication { Topics = [topic], Text = "x" }, Cancellation));

        Assert.Equal($"{message} (Parameter 'publication')", exception.Message);
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);
    }

    [Fact]
    public async Task PublishAsync_OtherRuleBreaks_ThrowArgumentExceptionsNamingTheField()
    {
        await using var server = await HeraldTestServer.StartAsync(o =>
        {
            o.MaxUserIdLength = 4;
            o.MaxMessageBytes = 8;
            o.MaxPublishTargets = 2;
        });

        Assert.StartsWith("users[1] must be at most 4 characters (was 5)", (await ThrowsAsync(new() { Users = ["a", "abcde"], Text = "x" })).Message, StringComparison.Ordinal);
        Assert.StartsWith("users[0] is required and must not be empty", (await ThrowsAsync(new() { Users = [""], Text = "x" })).Message, StringComparison.Ordinal);
        Assert.StartsWith("at least one target is required", (await ThrowsAsync(new() { Text = "x" })).Message, StringComparison.Ordinal);
        Assert.StartsWith("users and topics may name at most 2 targets together (was 3)", (await ThrowsAsync(new() { Users = ["a", "b"], Topics = ["c"], Text = "x" })).Message, StringComparison.Ordinal);
        Assert.StartsWith("data must be at most 8 bytes of UTF-8 (was 9)", (await ThrowsAsync(new() { Users = ["a"], Text = "ééé---" })).Message, StringComparison.Ordinal);
        Assert.StartsWith("key must be 1 to 128 characters (was 0)", (await ThrowsAsync(new() { Users = ["a"], Text = "x", Key = "" })).Message, StringComparison.Ordinal);
        Assert.StartsWith("idempotencyKey must be 1 to 128 characters (was 129)", (await ThrowsAsync(new() { Users = ["a"], Text = "x", IdempotencyKey = new string('k', 129) })).Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);

        async Task<ArgumentException> ThrowsAsync(HeraldPublication publication) =>
            await Assert.ThrowsAsync<ArgumentException>(async () => await server.Hub.PublishAsync(publication, Cancellation));
    }

    [Fact]
    public async Task PublishAsync_Null_ThrowsArgumentNullException()
    {
        await using var server = await HeraldTestServer.StartAsync();

        await Assert.ThrowsAsync<ArgumentNullException>(async () => await server.Hub.PublishAsync(null!, Cancellation));
    }

    [Fact]
    public async Task PublishAsync_IdempotentRetry_ReturnsTheFirstResultMarkedDuplicate()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u");
        var publication = new HeraldPublication { Users = ["u"], Topics = ["t"], Text = "once", IdempotencyKey = "job-1" };

        var first = await server.Hub.PublishAsync(publication, Cancellation);
        var retry = await server.Hub.PublishAsync(publication, Cancellation);

        Assert.False(first.Duplicate);
        Assert.True(retry.Duplicate);
        Assert.Equal(first.Id, retry.Id);
        Assert.Equal(first.Delivered, retry.Delivered);
        Assert.Equal(first.Streams, retry.Streams);
        Assert.Equal(1, await server.SendAsync("u", "marker"));
        Assert.Equal("once", await client.ReceiveTextAsync());
        Assert.Equal("marker", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task PublishAsync_IdempotencyKeyReusedForAnotherMessage_ThrowsArgumentException()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await server.Hub.PublishAsync(new HeraldPublication { Users = ["u"], Text = "a", IdempotencyKey = "k" }, Cancellation);

        var exception = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await server.Hub.PublishAsync(new HeraldPublication { Users = ["u"], Text = "b", IdempotencyKey = "k" }, Cancellation));

        Assert.StartsWith("idempotencyKey 'k' was used for a different message within the last 300 s", exception.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Hub.GetStats().MessagesPublished);
    }

    [Fact]
    public async Task PublishAsync_ConcurrentRetriesWithOneKey_PublishOnce()
    {
        await using var server = await HeraldTestServer.StartAsync();
        var publication = new HeraldPublication { Users = ["u"], Text = "once", IdempotencyKey = "race" };

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () => await server.Hub.PublishAsync(publication, Cancellation), Cancellation)));

        Assert.Single(results, r => !r.Duplicate);
        Assert.Single(results.Select(r => r.Id).Distinct());
        Assert.Equal(1, server.Hub.GetStats().MessagesPublished);
        Assert.Equal(1, server.Hub.GetStats().HistoryMessages);
    }

    [Fact]
    public async Task PublishAsync_HistoryMessagesGrowWithEachStream()
    {
        await using var server = await HeraldTestServer.StartAsync();

        await server.Hub.PublishAsync(new HeraldPublication { Users = ["a"], Text = "1" }, Cancellation);
        var afterOne = server.Hub.GetStats();
        await server.Hub.PublishAsync(new HeraldPublication { Users = ["a", "b"], Broadcast = true, Text = "2" }, Cancellation);
        var afterTwo = server.Hub.GetStats();

        Assert.Equal(1, afterOne.HistoryMessages);
        Assert.Equal(1, afterOne.HistoryStreams);
        Assert.Equal(4, afterTwo.HistoryMessages);
        Assert.Equal(3, afterTwo.HistoryStreams);
        Assert.True(afterTwo.HistoryBytes > afterOne.HistoryBytes);
        Assert.Equal(0, afterTwo.MessagesConflated);
    }

    [Fact]
    public async Task PublishAsync_ConcurrentPublishersToOneStream_ArriveInSeqOrderWithUniqueIds()
    {
        // What a client may rely on (protocol.md): seq orders a stream; an id is unique, and one publish's in every stream.
        const int Publishers = 8;
        const int EachPublishes = 50;
        await using var server = await HeraldTestServer.StartAsync();
        var (client, _, _) = await V1Client.LogInAsync(server, "u");
        await using var _ = client;

        var results = await Task.WhenAll(Enumerable.Range(0, Publishers).Select(p => Task.Run(async () =>
        {
            var mine = new List<HeraldPublishResult>();
            for (var i = 0; i < EachPublishes; i++)
            {
                mine.Add(await server.Hub.PublishAsync(new HeraldPublication { Users = ["u"], Topics = ["t"], Text = $"{p}:{i}" }, Cancellation));
            }

            return mine;
        }, Cancellation)));

        var received = new List<(long Seq, string Id)>();
        for (var i = 0; i < Publishers * EachPublishes; i++)
        {
            var message = await client.ReceiveTypeAsync("message");
            received.Add(((long)message["seq"]!, (string)message["id"]!));
        }

        Assert.Equal(Enumerable.Range(1, Publishers * EachPublishes).Select(i => (long)i), received.Select(m => m.Seq));
        Assert.Equal(received.Count, received.Select(m => m.Id).Distinct().Count());
        var answered = results.SelectMany(r => r).ToList();
        Assert.All(answered, r => Assert.Equal(["user:u", "topic:t"], r.Streams.Select(s => s.Stream)));
        Assert.Equal(received.Select(m => m.Id).Order(StringComparer.Ordinal), answered.Select(r => r.Id).Order(StringComparer.Ordinal));
    }
}
