using System.Net;
using System.Text;
using System.Text.Json;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Api;

/// <summary><c>POST /api/v1/publish/batch</c> (docs/http-api.md), against a real server and seed-flavour clients.</summary>
public sealed class PublishBatchTests
{
    private const string InvalidBatch = "Invalid batch";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Batch_MixedValidAndInvalidItems_EachGetsItsOwnResultAndValidOnesAreDeliveredInOrder()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var one = await server.ConnectAsUserAsync("1");
        await using var two = await server.ConnectAsUserAsync("2");

        var results = await server.PublishBatchAsync("""
            {"messages":[
              {"users":["1"],"data":"first"},
              {"users":["2"],"data":{"n":2}},
              {"topics":["bad topic!"],"data":"x"},
              {"users":["1"],"data":"second"},
              {"user":["1"],"data":"typo"},
              {"users":["1"]},
              {"data":"nowhere"},
              {"users":["1"],"data":"third","key":""}
            ]}
            """);

        Assert.Equal(8, results.Count);
        Assert.Equal([200, 200, 400, 200, 400, 400, 400, 400], results.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal("topics[0] must be 1 to 128 characters of A-Z a-z 0-9 . _ - : / (was 'bad topic!')", Error(results[2]));
        Assert.Equal("unknown property 'user'; a publish takes users, topics, broadcast, data, key and idempotencyKey", Error(results[4]));
        Assert.Equal("data is required and must not be null", Error(results[5]));
        Assert.Equal("at least one target is required: users, topics or broadcast", Error(results[6]));
        Assert.Equal("key must be 1 to 128 characters (was 0)", Error(results[7]));

        var first = PublishAnswer.Parse(results[0]);
        var second = PublishAnswer.Parse(results[1]);
        var fourth = PublishAnswer.Parse(results[3]);
        Assert.Equal(new StreamAnswer("user:1", first.Only.Epoch, 1, 1), first.Only);
        Assert.Equal(new StreamAnswer("user:2", second.Only.Epoch, 1, 1), second.Only);
        Assert.Equal(new StreamAnswer("user:1", first.Only.Epoch, 2, 1), fourth.Only);
        Assert.Equal(3, new[] { first.Id, second.Id, fourth.Id }.Distinct().Count());
        Assert.All([first, second, fourth], a => Assert.True(PublishResponses.IsMessageId(a.Id)));

        // A refused item has only status and error, and the batch's refusals are logged in one line.
        Assert.Equal(["status", "error"], results[2].EnumerateObject().Select(p => p.Name));
        var logged = Assert.Single(server.Logs.Entries, e => e.EventName == "BatchItemsRefused");
        Assert.Equal(
            "Batch published in part: 5 of 8 messages refused; the first, messages[2]: topics[0] must be 1 to 128 characters of A-Z a-z 0-9 . _ - : / (was 'bad topic!')",
            logged.Message);

        Assert.Equal(3, server.Hub.GetStats().HistoryMessages);
        Assert.Equal("first", await one.ReceiveTextAsync());
        Assert.Equal("second", await one.ReceiveTextAsync());
        Assert.Equal("""{"n":2}""", await two.ReceiveTextAsync());
        Assert.Equal(1, await server.SendAsync("1", "marker"));
        Assert.Equal("marker", await one.ReceiveTextAsync());
    }

    [Fact]
    public async Task Batch_ManyItemsForOneStream_KeepArrayOrderInSeqAndDelivery()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u");
        var items = string.Join(",", Enumerable.Range(1, 50).Select(i => $$"""{"users":["u"],"data":"m{{i}}"}"""));

        var results = await server.PublishBatchAsync($$"""{"messages":[{{items}}]}""");

        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), results.Select(r => PublishAnswer.Parse(r).Only.Seq));
        Assert.DoesNotContain(server.Logs.Entries, e => e.EventName == "BatchItemsRefused");
        for (var i = 1; i <= 50; i++)
        {
            Assert.Equal($"m{i}", await client.ReceiveTextAsync());
        }
    }

    [Fact]
    public async Task Batch_ItemWithSeveralTargets_AnswersLikeASinglePublish()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var a = await server.ConnectAsUserAsync("a");

        var results = await server.PublishBatchAsync("""{"messages":[{"users":["a","a","b"],"topics":["t"],"broadcast":true,"data":"x"}]}""");

        var answer = PublishAnswer.Parse(Assert.Single(results));
        Assert.Equal(200, results[0].GetProperty("status").GetInt32());
        Assert.Equal(["user:a", "user:b", "topic:t", "broadcast"], answer.Streams.Select(s => s.Stream));
        Assert.Equal(2, answer.Delivered);
        Assert.Equal("x", await a.ReceiveTextAsync());
        Assert.Equal("x", await a.ReceiveTextAsync());
    }

    [Fact]
    public async Task Batch_IdempotencyKeys_DuplicateAndConflictAreAnsweredPerItem()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u");
        await server.PublishAsync("""{"users":["u"],"data":"earlier","idempotencyKey":"before"}""");
        Assert.Equal("earlier", await client.ReceiveTextAsync());

        var results = await server.PublishBatchAsync("""
            {"messages":[
              {"users":["u"],"data":"a","idempotencyKey":"k"},
              {"users":["u"],"data":"b","idempotencyKey":"k"},
              {"users":["u"],"data":"a","idempotencyKey":"k"},
              {"users":["u"],"data":"earlier","idempotencyKey":"before"},
              {"users":["u"],"data":"c"}
            ]}
            """);

        Assert.Equal([200, 422, 200, 200, 200], results.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal("idempotencyKey 'k' was used for a different message within the last 300 s", Error(results[1]));
        Assert.Equal(
            "Batch published in part: 1 of 5 messages refused; the first, messages[1]: idempotencyKey 'k' was used for a different message within the last 300 s",
            Assert.Single(server.Logs.Entries, e => e.EventName == "BatchItemsRefused").Message);
        var original = PublishAnswer.Parse(results[0]);
        var replay = PublishAnswer.Parse(results[2]);
        Assert.False(original.Duplicate);
        Assert.False(results[0].TryGetProperty("duplicate", out _));
        Assert.True(replay.Duplicate);
        Assert.Equal(original.Id, replay.Id);
        Assert.Equal(original.Streams, replay.Streams);
        Assert.True(PublishAnswer.Parse(results[3]).Duplicate);
        Assert.Equal(3, PublishAnswer.Parse(results[4]).Only.Seq);

        Assert.Equal("a", await client.ReceiveTextAsync());
        Assert.Equal("c", await client.ReceiveTextAsync());
        Assert.Equal(1, await server.SendAsync("u", "marker"));
        Assert.Equal("marker", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Batch_KeyFromAnEarlierSinglePublish_WithDifferentData_Is422Item()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await server.PublishAsync("""{"users":["u"],"data":"x"}""", idempotencyKeyHeader: "h");

        var results = await server.PublishBatchAsync("""{"messages":[{"users":["u"],"data":"y","idempotencyKey":"h"}]}""");

        Assert.Equal(422, Assert.Single(results).GetProperty("status").GetInt32());
        Assert.Equal("idempotencyKey 'h' was used for a different message within the last 300 s", Error(results[0]));
    }

    [Theory]
    [InlineData("""[{"users":["u"],"data":"x"}]""", "the body must be a JSON object: {\"messages\": [...]}")]
    [InlineData("\"messages\"", "the body must be a JSON object: {\"messages\": [...]}")]
    [InlineData("{}", "the body must have exactly one property, messages: {\"messages\": [...]}")]
    [InlineData("""{"message":[{"users":["u"],"data":"x"}]}""", "the body must have exactly one property, messages: {\"messages\": [...]}")]
    [InlineData("""{"Messages":[{"users":["u"],"data":"x"}]}""", "the body must have exactly one property, messages: {\"messages\": [...]}")]
    [InlineData("""{"\ud800":[{"users":["u"],"data":"x"}]}""", "the body must have exactly one property, messages: {\"messages\": [...]}")]
    [InlineData("""{"\udc00":[{"users":["u"],"data":"x"}]}""", "the body must have exactly one property, messages: {\"messages\": [...]}")]
    [InlineData("""{"extra":1,"messages":[{"users":["u"],"data":"x"}]}""", "the body must have exactly one property, messages: {\"messages\": [...]}")]
    [InlineData("""{"messages":[{"users":["u"],"data":"x"}],"extra":1}""", "the body must have exactly one property, messages: {\"messages\": [...]}")]
    [InlineData("""{"messages":[{"users":["u"],"data":"x"}],"messages":[]}""", "the body must have exactly one property, messages: {\"messages\": [...]}")]
    [InlineData("""{"messages":{"users":["u"],"data":"x"}}""", "messages must be an array of publish objects")]
    [InlineData("""{"messages":null}""", "messages must be an array of publish objects")]
    [InlineData("""{"messages":[]}""", "messages must hold at least one item")]
    [InlineData("""{"messages":[1]}""", "messages[0] must be a JSON object")]
    [InlineData("""{"messages":[{"users":["u"],"data":"x"},"text"]}""", "messages[1] must be a JSON object")]
    [InlineData("""{"messages":[{"users":["u"],"data":"x"},[{"users":["u"],"data":"x"}]]}""", "messages[1] must be a JSON object")]
    [InlineData("""{"messages":[{"users":["u"],"data":"x"},null]}""", "messages[1] must be a JSON object")]
    [InlineData("""{"messages":[{"users":["u"],"data":"1"},{"users":["u"],"data":"2"},{"users":["u"],"data":"3"}]}""", "messages may hold at most 2 items")]
    public async Task Batch_NotABatch_Returns400AndPublishesNothing(string body, string detail)
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.MaxBatchMessages = 2);
        await using var client = await server.ConnectAsUserAsync("u");

        using var response = await server.PostJsonAsync(PublishResponses.BatchPath, body);

        await PublishResponses.AssertProblemAsync(response, HttpStatusCode.BadRequest, InvalidBatch, detail);
        await AssertNothingPublishedAsync(server, client);
    }

    [Fact]
    public async Task Batch_ExactlyMaxBatchMessages_IsAccepted()
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.MaxBatchMessages = 2);

        var results = await server.PublishBatchAsync("""{"messages":[{"users":["u"],"data":"1"},{"users":["u"],"data":"2"}]}""");

        Assert.Equal(2, results.Count);
    }

    [Theory]
    [InlineData("""{"messages":[{"users":["u"],"data":"x"},{"users":["u"],""")]
    [InlineData("""{"messages":[{"users":["u"],"data":"x"},{"users":["u"],"data":x}]}""")]
    [InlineData("""{"messages":[{"users":["u"],"data":"x"}""")]
    [InlineData("""{"messages":[{"users":["u"],"data":"x"}]""")]
    [InlineData("""{"messages":[{"users":["u"],"data":"x"},]}""")]
    [InlineData("""{"messages":[{"users":["u"],"data":"x"}]} trailing""")]
    [InlineData("""{"messages":[{"users":["u"],"data":"x"},{"users":["\ud800"],"data":"x"}]}""")]
    [InlineData("""{"messages":[{"users":["u"],"data":"x"},{"users":["u"],"data":"\udc00"}]}""")]
    [InlineData("")]
    public async Task Batch_MalformedJsonAfterValidItems_Returns400AndPublishesNothing(string body)
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u");

        using var response = await server.PostJsonAsync(PublishResponses.BatchPath, body);

        var problem = await PublishResponses.ReadProblemAsync(response, HttpStatusCode.BadRequest, InvalidBatch);
        Assert.StartsWith("the body is not valid JSON: ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNothingPublishedAsync(server, client);
    }

    [Fact]
    public async Task Batch_InvalidUtf8InAnItem_Returns400AndPublishesNothing()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u");
        byte[] body = [.. "{\"messages\":[{\"users\":[\"u\"],\"data\":\"ok\"},{\"users\":[\"u\"],\"data\":\""u8, 0xC0, 0xAF, .. "\"}]}"u8];

        using var response = await server.PostBytesAsync(PublishResponses.BatchPath, body, "application/json");

        await PublishResponses.AssertProblemAsync(response, HttpStatusCode.BadRequest, InvalidBatch, "the body is not valid UTF-8");
        await AssertNothingPublishedAsync(server, client);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task Batch_NotJsonContentType_Returns415(string? contentType)
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.PostBytesAsync(PublishResponses.BatchPath, """{"messages":[{"users":["u"],"data":"x"}]}"""u8.ToArray(), contentType);

        await PublishResponses.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "Unsupported content type",
            $"Content type '{contentType}' is not accepted: send application/json.");
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);
    }

    [Fact]
    public async Task Batch_BodyOverMaxBatchBytes_Returns413AndAtTheLimitIsRead()
    {
        const int Limit = 64 * 1024;
        await using var server = await HeraldTestServer.StartAsync(o => o.MaxBatchBytes = Limit);

        using var atLimit = await server.PostJsonAsync(PublishResponses.BatchPath, BatchOfLength(Limit));
        using var overLimit = await server.PostJsonAsync(PublishResponses.BatchPath, BatchOfLength(Limit + 1));

        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        var problem = await PublishResponses.ReadProblemAsync(overLimit, HttpStatusCode.RequestEntityTooLarge, "Unreadable request body");
        Assert.Contains("Request body too large", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, server.Hub.GetStats().MessagesPublished);
    }

    [Fact]
    public async Task Batch_BodyLimitIsMaxBatchBytesNotThePublishLimit()
    {
        // A single publish may be at most 6 × 16 + 64 KiB = 65632 bytes; this batch is about 220 KB.
        await using var server = await HeraldTestServer.StartAsync(o => o.MaxMessageBytes = 16);
        var user = new string('u', 128);
        var item = $$"""{"users":["{{user}}","{{user}}","{{user}}","{{user}}","{{user}}","{{user}}","{{user}}","{{user}}"],"data":"0123456789abcdef"}""";
        var body = $$"""{"messages":[{{string.Join(",", Enumerable.Repeat(item, 200))}}]}""";
        Assert.True(body.Length > 200_000);

        var results = await server.PublishBatchAsync(body);

        Assert.Equal(200, results.Count);
        Assert.All(results, r => Assert.Equal(200, r.GetProperty("status").GetInt32()));
        Assert.Equal(200, PublishAnswer.Parse(results[^1]).Only.Seq);
    }

    [Fact]
    public async Task Batch_DataTooLargeInOneItem_RefusesOnlyThatItem()
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.MaxMessageBytes = 16);

        var results = await server.PublishBatchAsync("""{"messages":[{"users":["u"],"data":{"a":"0123456789"}},{"users":["u"],"data":"ok"}]}""");

        Assert.Equal([400, 200], results.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal("data must be at most 16 bytes of UTF-8 (was 18)", Error(results[0]));
        Assert.Equal(1, PublishAnswer.Parse(results[1]).Only.Seq);
    }

    private static string? Error(JsonElement result) => result.GetProperty("error").GetString();

    private static async Task AssertNothingPublishedAsync(HeraldTestServer server, TestClient client)
    {
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);
        Assert.Equal(0, server.Hub.GetStats().HistoryMessages);
        Assert.Equal(1, await server.SendAsync("u", "marker"));
        Assert.Equal("marker", await client.ReceiveTextAsync());
    }

    /// <summary>A batch of one publish to user "u" whose body is exactly <paramref name="length"/> bytes.</summary>
    private static string BatchOfLength(int length)
    {
        const string Head = "{\"messages\":[{\"users\":[\"u\"],\"data\":\"";
        const string Tail = "\"}]}";
        var body = Head + new string('x', length - Head.Length - Tail.Length) + Tail;
        Assert.Equal(length, Encoding.UTF8.GetByteCount(body));
        return body;
    }
}
