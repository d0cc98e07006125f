using System.Net;
using System.Text;
using System.Text.Json;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Tests.Api;

/// <summary><c>POST /api/v1/publish</c> (docs/http-api.md), against a real server and seed-flavour clients.</summary>
public sealed class PublishEndpointTests
{
    private const string InvalidRequest = "Invalid publish request";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    // ---- Delivery ----

    [Fact]
    public async Task Publish_TextDataToUser_SeedClientReceivesTheText()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u1");

        var answer = await server.PublishAsync("""{"users":["u1"],"data":"Hello World"}""");

        Assert.Equal(1, answer.Delivered);
        Assert.Equal(new StreamAnswer("user:u1", answer.Only.Epoch, 1, 1), answer.Only);
        Assert.False(answer.Duplicate);
        Assert.Equal("Hello World", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Publish_ObjectData_SeedClientReceivesItsJsonText()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u1");

        await server.PublishAsync("""{"users":["u1"],"data":{"order":1042,"status":"paid","tags":["a","é"]}}""");

        Assert.Equal("""{"order":1042,"status":"paid","tags":["a","é"]}""", await client.ReceiveTextAsync());
    }

    [Theory]
    [InlineData("42")]
    [InlineData("-1.5e3")]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("""[1,"two",{"three":3}]""")]
    [InlineData("{}")]
    public async Task Publish_NonStringData_SeedClientReceivesItsJsonText(string data)
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u1");

        await server.PublishAsync($$"""{"users":["u1"],"data":{{data}}}""");

        Assert.Equal(data, await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Publish_StringDataWithEscapes_SeedClientReceivesTheUnescapedText()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u1");

        await server.PublishAsync("""{"users":["u1"],"data":"line\n\"quoted\" \u00e9 \ud83d\ude00 {\"a\":1}"}""");

        Assert.Equal("line\n\"quoted\" é 😀 {\"a\":1}", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Publish_JsonStringData_IsTextNotItsJsonText()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u1");

        await server.PublishAsync("""{"users":["u1"],"data":"{\"type\":\"order\"}"}""");

        Assert.Equal("""{"type":"order"}""", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Publish_EmptyStringData_IsAcceptedAndSentAsAnEmptyTextFrame()
    {
        // Unlike /send's message, data may be any JSON value but null (docs/http-api.md), the empty string included.
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u1");

        var answer = await server.PublishAsync("""{"users":["u1"],"data":""}""");

        Assert.Equal(1, answer.Delivered);
        Assert.Equal(string.Empty, await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Publish_UserWithTwoConnections_DeliversToBoth()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var tab1 = await server.ConnectAsUserAsync("two");
        await using var tab2 = await server.ConnectAsUserAsync("two");

        var answer = await server.PublishAsync("""{"users":["two"],"data":"both"}""");

        Assert.Equal(2, answer.Delivered);
        Assert.Equal(2, answer.Only.Delivered);
        Assert.Equal("both", await tab1.ReceiveTextAsync());
        Assert.Equal("both", await tab2.ReceiveTextAsync());
    }

    [Fact]
    public async Task Publish_OfflineUser_Delivered0ButSeqAssignedInTheSameEpoch()
    {
        await using var server = await HeraldTestServer.StartAsync();

        var first = await server.PublishAsync("""{"users":["offline"],"data":"one"}""");
        var second = await server.PublishAsync("""{"users":["offline"],"data":"two"}""");

        Assert.Equal(0, first.Delivered);
        Assert.Equal(new StreamAnswer("user:offline", first.Only.Epoch, 1, 0), first.Only);
        Assert.Equal(new StreamAnswer("user:offline", first.Only.Epoch, 2, 0), second.Only);
        Assert.False(string.IsNullOrEmpty(first.Only.Epoch));
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task Publish_UserListedTwice_GetsOneMessageOnOneStream()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("dup");

        var answer = await server.PublishAsync("""{"users":["dup","dup"],"topics":["t","t"],"data":"once"}""");

        Assert.Equal(["user:dup", "topic:t"], answer.Streams.Select(s => s.Stream));
        Assert.Equal(1, answer.Delivered);
        Assert.Equal(1, answer.Streams[0].Seq);
        Assert.Equal(1, answer.Streams[1].Seq);
        Assert.Equal(1, await server.SendAsync("dup", "marker"));
        Assert.Equal("once", await client.ReceiveTextAsync());
        Assert.Equal("marker", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Publish_UserIdsDifferingInCase_AreTwoStreams()
    {
        await using var server = await HeraldTestServer.StartAsync();

        var answer = await server.PublishAsync("""{"users":["Alice","alice"],"data":"x"}""");

        Assert.Equal(["user:Alice", "user:alice"], answer.Streams.Select(s => s.Stream));
    }

    [Fact]
    public async Task Publish_SameStreamRepeatedly_SeqIncrementsAndClientGetsThemInOrder()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("seq");

        var answers = new List<PublishAnswer>();
        for (var i = 1; i <= 5; i++)
        {
            answers.Add(await server.PublishAsync($$"""{"users":["seq"],"data":"m{{i}}"}"""));
        }

        Assert.Equal([1L, 2, 3, 4, 5], answers.Select(a => a.Only.Seq));
        Assert.Single(answers.Select(a => a.Only.Epoch).Distinct());
        Assert.Equal(5, answers.Select(a => a.Id).Distinct().Count());
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal($"m{i}", await client.ReceiveTextAsync());
        }
    }

    [Fact]
    public async Task Publish_SeveralStreams_OneIdEverywhereAndStreamsInOrderUsersTopicsBroadcast()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var a = await server.ConnectAsUserAsync("a");
        await using var b = await server.ConnectAsUserAsync("b");
        await server.PublishAsync("""{"users":["b"],"data":"earlier"}""");
        Assert.Equal("earlier", await b.ReceiveTextAsync());

        // Properties in another order than the answer's streams.
        var answer = await server.PublishAsync("""{"broadcast":true,"data":"all","topics":["orders","eu/orders:1"],"users":["a","b"]}""");

        Assert.True(PublishResponses.IsMessageId(answer.Id), $"id '{answer.Id}' is not 32 hex digits");
        Assert.Equal(["user:a", "user:b", "topic:orders", "topic:eu/orders:1", "broadcast"], answer.Streams.Select(s => s.Stream));
        Assert.Equal([1L, 2, 1, 1, 1], answer.Streams.Select(s => s.Seq));
        Assert.Equal([1, 1, 0, 0, 2], answer.Streams.Select(s => s.Delivered));
        Assert.Equal(4, answer.Delivered);
        Assert.All(answer.Streams, s => Assert.False(string.IsNullOrWhiteSpace(s.Epoch)));

        // Once on its user stream and once on broadcast.
        Assert.Equal("all", await a.ReceiveTextAsync());
        Assert.Equal("all", await a.ReceiveTextAsync());
        Assert.Equal("all", await b.ReceiveTextAsync());
        Assert.Equal("all", await b.ReceiveTextAsync());
    }

    [Fact]
    public async Task Publish_Twice_IdsAreDistinctAndTimeOrdered()
    {
        await using var server = await HeraldTestServer.StartAsync();

        var first = await server.PublishAsync("""{"topics":["t"],"data":"1"}""");
        var second = await server.PublishAsync("""{"topics":["t"],"data":"2"}""");

        Assert.True(string.CompareOrdinal(first.Id, second.Id) < 0, $"{first.Id} should sort before {second.Id}");
    }

    [Fact]
    public async Task Publish_Broadcast_ReachesEveryLoggedInConnectionButNotOneNotLoggedIn()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var a1 = await server.ConnectAsUserAsync("a");
        await using var a2 = await server.ConnectAsUserAsync("a");
        await using var b = await server.ConnectAsUserAsync("b");
        await using var pending = await server.ConnectAsync();
        await Eventually.TrueAsync(() => server.Hub.GetStats().PendingLogins == 1, "the anonymous connection to be accepted");

        var answer = await server.PublishAsync("""{"broadcast":true,"data":"everyone"}""");

        Assert.Equal(3, answer.Delivered);
        Assert.Equal(new StreamAnswer("broadcast", answer.Only.Epoch, 1, 3), answer.Only);
        Assert.Equal("everyone", await a1.ReceiveTextAsync());
        Assert.Equal("everyone", await a2.ReceiveTextAsync());
        Assert.Equal("everyone", await b.ReceiveTextAsync());

        // The connection that was not logged in gets nothing: after logging in, the first message it sees is the marker.
        await pending.SendTextAsync("""{"uid":"late"}""");
        await Eventually.TrueAsync(() => server.Hub.GetUser("late").Online, "the late login");
        Assert.Equal(1, await server.SendAsync("late", "marker"));
        Assert.Equal("marker", await pending.ReceiveTextAsync());
    }

    [Fact]
    public async Task Publish_BroadcastFalseWithUser_IsNotABroadcast()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var other = await server.ConnectAsUserAsync("other");

        var answer = await server.PublishAsync("""{"users":["u"],"broadcast":false,"data":"only u"}""");

        Assert.Equal("user:u", answer.Only.Stream);
        Assert.Equal(1, await server.SendAsync("other", "marker"));
        Assert.Equal("marker", await other.ReceiveTextAsync());
    }

    [Fact]
    public async Task Publish_TopicWithoutSubscribers_Delivered0AndSeqAssigned()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u");

        var first = await server.PublishAsync("""{"topics":["orders"],"data":"x"}""");
        var second = await server.PublishAsync("""{"topics":["orders"],"data":"y"}""");

        Assert.Equal(0, first.Delivered);
        Assert.Equal(new StreamAnswer("topic:orders", first.Only.Epoch, 1, 0), first.Only);
        Assert.Equal(new StreamAnswer("topic:orders", first.Only.Epoch, 2, 0), second.Only);

        // A seed client is never on a topic.
        Assert.Equal(1, await server.SendAsync("u", "marker"));
        Assert.Equal("marker", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Publish_TopicWithAHeraldV1Subscriber_DeliversAndStatsCountTheTopic()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await TestClient.ConnectAsync(server.WebSocketUri, o => o.AddSubProtocol("herald.v1"));
        await client.SendTextAsync("""{"type":"login","uid":"v1"}""");
        Assert.Contains("\"welcome\"", await client.ReceiveTextAsync(), StringComparison.Ordinal);
        Assert.Contains("\"joined\"", await client.ReceiveTextAsync(), StringComparison.Ordinal);
        Assert.Contains("\"joined\"", await client.ReceiveTextAsync(), StringComparison.Ordinal);
        await client.SendTextAsync("""{"type":"subscribe","topic":"orders"}""");
        Assert.Contains("\"topic:orders\"", await client.ReceiveTextAsync(), StringComparison.Ordinal);
        await Eventually.TrueAsync(() => server.Hub.GetStats().Topics == 1, "the subscription to count as a topic");

        var answer = await server.PublishAsync("""{"topics":["orders"],"data":{"n":1}}""");

        Assert.Equal(1, answer.Delivered);
        using var message = JsonDocument.Parse(await client.ReceiveTextAsync());
        Assert.Equal("message", message.RootElement.GetProperty("type").GetString());
        Assert.Equal("topic:orders", message.RootElement.GetProperty("stream").GetString());
        Assert.Equal(answer.Id, message.RootElement.GetProperty("id").GetString());
        Assert.Equal(answer.Only.Seq, message.RootElement.GetProperty("seq").GetInt64());
        Assert.Equal(answer.Only.Epoch, message.RootElement.GetProperty("epoch").GetString());
        Assert.Equal(1, message.RootElement.GetProperty("data").GetProperty("n").GetInt32());

        using var stats = JsonDocument.Parse(await server.Http.GetStringAsync("/api/v1/stats", Cancellation));
        Assert.Equal(1, stats.RootElement.GetProperty("topics").GetInt32());
    }

    [Fact]
    public async Task Publish_AfterSendToTheSameUser_SharesTheUserStream()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("5");

        Assert.Equal(1, await server.SendAsync("5", "from send"));
        var answer = await server.PublishAsync("""{"users":["5"],"data":"from publish"}""");

        Assert.Equal(new StreamAnswer("user:5", answer.Only.Epoch, 2, 1), answer.Only);
        Assert.Equal("from send", await client.ReceiveTextAsync());
        Assert.Equal("from publish", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Publish_WithConflationKey_IsAcceptedAndSeedClientGetsDataUnchanged()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("k");

        var first = await server.PublishAsync("""{"users":["k"],"data":{"progress":40},"key":"job-7"}""");
        var second = await server.PublishAsync("""{"users":["k"],"data":{"progress":50},"key":"job-7"}""");

        Assert.Equal(1, first.Delivered);
        Assert.Equal(2, second.Only.Seq);
        Assert.Equal("""{"progress":40}""", await client.ReceiveTextAsync());
        Assert.Equal("""{"progress":50}""", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Publish_ExplicitNullOptionalFields_AreTheSameAsAbsent()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("n");

        var answer = await server.PublishAsync("""{"users":["n"],"data":"x","key":null,"idempotencyKey":null}""");

        Assert.Equal(1, answer.Delivered);
        Assert.Equal("x", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Publish_DataAtExactlyMaxMessageBytes_IsAccepted()
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.MaxMessageBytes = 16);
        await using var client = await server.ConnectAsUserAsync("u");

        // Eight characters, sixteen bytes of UTF-8, escaped in the body.
        await server.PublishAsync("""{"users":["u"],"data":"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"}""");
        await server.PublishAsync("""{"users":["u"],"data":{"a":"01234567"}}""");

        Assert.Equal("éééééééé", await client.ReceiveTextAsync());
        Assert.Equal("""{"a":"01234567"}""", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Publish_UnicodeUser_AnswerNamesTheStreamUnescaped()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("héllo/wörld");

        var text = await server.PublishTextAsync("""{"users":["h\u00e9llo/w\u00f6rld"],"data":"hi"}""");

        Assert.Contains("\"stream\":\"user:héllo/wörld\"", text, StringComparison.Ordinal);
        Assert.Equal(1, PublishAnswer.Parse(text).Delivered);
        Assert.Equal("hi", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Get_Publish_Returns405()
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.Http.GetAsync(PublishResponses.PublishPath, Cancellation);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    // ---- 400: the body ----

    [Theory]
    [InlineData("""[{"users":["u"],"data":"x"}]""", "a publish must be a JSON object")]
    [InlineData("\"text\"", "a publish must be a JSON object")]
    [InlineData("42", "a publish must be a JSON object")]
    [InlineData("null", "a publish must be a JSON object")]
    [InlineData("""{"user":["u"],"data":"x"}""", "unknown property 'user'; a publish takes users, topics, broadcast, data, key and idempotencyKey")]
    [InlineData("""{"users":["u"],"Data":"x"}""", "unknown property 'Data'; a publish takes users, topics, broadcast, data, key and idempotencyKey")]
    [InlineData("""{"users":["u"],"users":["v"],"data":"x"}""", "users appears more than once")]
    [InlineData("""{"users":["u"],"data":"x","data":"y"}""", "data appears more than once")]
    [InlineData("""{"users":"u","data":"x"}""", "users must be an array of strings")]
    [InlineData("""{"users":{"u":1},"data":"x"}""", "users must be an array of strings")]
    [InlineData("""{"users":["u",1],"data":"x"}""", "users[1] must be a string")]
    [InlineData("""{"users":["u",null],"data":"x"}""", "users[1] must be a string")]
    [InlineData("""{"users":["u",["v"]],"data":"x"}""", "users[1] must be a string")]
    [InlineData("""{"users":[""],"data":"x"}""", "users[0] is required and must not be empty")]
    [InlineData("""{"users":["ok","123456789"],"data":"x"}""", "users[1] must be at most 8 characters (was 9)")]
    [InlineData("""{"topics":"orders","data":"x"}""", "topics must be an array of strings")]
    [InlineData("""{"topics":[true],"data":"x"}""", "topics[0] must be a string")]
    [InlineData("""{"topics":["bad topic!"],"data":"x"}""", "topics[0] must be 1 to 128 characters of A-Z a-z 0-9 . _ - : / (was 'bad topic!')")]
    [InlineData("""{"topics":["ok",""],"data":"x"}""", "topics[1] must be 1 to 128 characters of A-Z a-z 0-9 . _ - : / (was '')")]
    [InlineData("""{"topics":["ordérs"],"data":"x"}""", "topics[0] must be 1 to 128 characters of A-Z a-z 0-9 . _ - : / (was 'ordérs')")]
    [InlineData("""{"data":"x"}""", "at least one target is required: users, topics or broadcast")]
    [InlineData("""{"users":[],"topics":[],"broadcast":false,"data":"x"}""", "at least one target is required: users, topics or broadcast")]
    [InlineData("""{"users":["a","b"],"topics":["c","d"],"data":"x"}""", "users and topics may name at most 3 targets together (was 4)")]
    [InlineData("""{"users":["u"]}""", "data is required and must not be null")]
    [InlineData("""{"users":["u"],"data":null}""", "data is required and must not be null")]
    [InlineData("""{"users":["u"],"data":"0123456789abcdefg"}""", "data must be at most 16 bytes of UTF-8 (was 17)")]
    [InlineData("""{"users":["u"],"data":"订单发货订单"}""", "data must be at most 16 bytes of UTF-8 (was 18)")]
    [InlineData("""{"users":["u"],"data":"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"}""", "data must be at most 16 bytes of UTF-8 (was 18)")]
    [InlineData("""{"users":["u"],"data":{"a":"0123456789"}}""", "data must be at most 16 bytes of UTF-8 (was 18)")]
    [InlineData("""{"users":["u"],"data":[1,2,3,4,5,6,7,8]}""", "data must be at most 16 bytes of UTF-8 (was 17)")]
    [InlineData("""{"users":["u"],"data":"x","key":""}""", "key must be 1 to 128 characters (was 0)")]
    [InlineData("""{"users":["u"],"data":"x","key":1}""", "key must be a string")]
    [InlineData("""{"users":["u"],"data":"x","idempotencyKey":""}""", "idempotencyKey must be 1 to 128 characters (was 0)")]
    [InlineData("""{"users":["u"],"data":"x","idempotencyKey":{}}""", "idempotencyKey must be a string")]
    [InlineData("""{"users":["u"],"data":"x","broadcast":"true"}""", "broadcast must be true or false")]
    [InlineData("""{"users":["u"],"data":"x","broadcast":1}""", "broadcast must be true or false")]
    [InlineData("""{"users":["u"],"data":"x","broadcast":null}""", "broadcast must be true or false")]
    public async Task Publish_InvalidRequest_Returns400NamingTheField(string body, string detail)
    {
        await using var server = await HeraldTestServer.StartAsync(o =>
        {
            o.MaxUserIdLength = 8;
            o.MaxPublishTargets = 3;
            o.MaxMessageBytes = 16;
        });
        await using var client = await server.ConnectAsUserAsync("u");

        using var response = await server.PostJsonAsync(PublishResponses.PublishPath, body);

        await PublishResponses.AssertProblemAsync(response, HttpStatusCode.BadRequest, InvalidRequest, detail);
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);
        Assert.Equal(0, server.Hub.GetStats().HistoryMessages);
        Assert.Equal(1, await server.SendAsync("u", "marker"));
        Assert.Equal("marker", await client.ReceiveTextAsync());
    }

    [Theory]
    [InlineData(129)]
    [InlineData(1000)]
    public async Task Publish_KeysLongerThan128_Return400(int length)
    {
        await using var server = await HeraldTestServer.StartAsync();
        var key = new string('k', length);

        using var conflation = await server.PostJsonAsync(PublishResponses.PublishPath, $$"""{"users":["u"],"data":"x","key":"{{key}}"}""");
        using var idempotency = await server.PostJsonAsync(PublishResponses.PublishPath, $$"""{"users":["u"],"data":"x","idempotencyKey":"{{key}}"}""");
        using var header = await server.PostJsonAsync(PublishResponses.PublishPath, """{"users":["u"],"data":"x"}""", idempotencyKeyHeader: key);

        await PublishResponses.AssertProblemAsync(conflation, HttpStatusCode.BadRequest, InvalidRequest, $"key must be 1 to 128 characters (was {length})");
        await PublishResponses.AssertProblemAsync(idempotency, HttpStatusCode.BadRequest, InvalidRequest, $"idempotencyKey must be 1 to 128 characters (was {length})");
        await PublishResponses.AssertProblemAsync(header, HttpStatusCode.BadRequest, InvalidRequest, $"idempotencyKey must be 1 to 128 characters (was {length})");
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);
    }

    [Fact]
    public async Task Publish_KeysOfExactly128_AreAccepted()
    {
        await using var server = await HeraldTestServer.StartAsync();
        var key = new string('k', 128);

        var answer = await server.PublishAsync($$"""{"users":["u"],"data":"x","key":"{{key}}","idempotencyKey":"{{key}}"}""");

        Assert.Equal(1, answer.Only.Seq);
    }

    [Fact]
    public async Task Publish_TopicOver128Characters_Returns400WithTheNameShortened()
    {
        await using var server = await HeraldTestServer.StartAsync();
        var topic = new string('t', 129);

        using var response = await server.PostJsonAsync(PublishResponses.PublishPath, $$"""{"topics":["{{topic}}"],"data":"x"}""");

        await PublishResponses.AssertProblemAsync(response, HttpStatusCode.BadRequest, InvalidRequest,
            $"topics[0] must be 1 to 128 characters of A-Z a-z 0-9 . _ - : / (was '{new string('t', 32)}…')");
    }

    [Fact]
    public async Task Publish_TopicOfExactly128Characters_IsAccepted()
    {
        await using var server = await HeraldTestServer.StartAsync();
        var topic = new string('t', 128);

        var answer = await server.PublishAsync($$"""{"topics":["{{topic}}"],"data":"x"}""");

        Assert.Equal($"topic:{topic}", answer.Only.Stream);
    }

    [Fact]
    public async Task Publish_ExactlyMaxPublishTargets_IsAccepted()
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.MaxPublishTargets = 3);

        var answer = await server.PublishAsync("""{"users":["a","b"],"topics":["c"],"broadcast":true,"data":"x"}""");

        Assert.Equal(4, answer.Streams.Count);
    }

    [Fact]
    public async Task Publish_IdempotencyKeyHeaderAndBodyDisagree_Returns400()
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.PostJsonAsync(PublishResponses.PublishPath, """{"users":["u"],"data":"x","idempotencyKey":"body-key"}""", idempotencyKeyHeader: "header-key");

        await PublishResponses.AssertProblemAsync(response, HttpStatusCode.BadRequest, InvalidRequest,
            "the Idempotency-Key header ('header-key') and idempotencyKey ('body-key') must agree");
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);
    }

    [Theory]
    [InlineData("{\"users\":[\"u\"],\"data\":")]
    [InlineData("{\"users\":[\"u\"],\"data\":\"x\"")]
    [InlineData("{users:[\"u\"],\"data\":\"x\"}")]
    [InlineData("{\"users\":[\"u\"],\"data\":'x'}")]
    [InlineData("{\"users\":[\"u\"],\"data\":\"x\",}")]
    [InlineData("not json")]
    public async Task Publish_BodyNotJson_Returns400(string body)
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.PostJsonAsync(PublishResponses.PublishPath, body);

        var problem = await PublishResponses.ReadProblemAsync(response, HttpStatusCode.BadRequest, InvalidRequest);
        Assert.StartsWith("the body is not valid JSON: ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \r\n ")]
    public async Task Publish_EmptyBody_Returns400SayingSo(string body)
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.PostJsonAsync(PublishResponses.PublishPath, body);

        await PublishResponses.AssertProblemAsync(response, HttpStatusCode.BadRequest, InvalidRequest, "the body is empty: send a JSON object");
    }

    [Theory]
    [InlineData("""{"users":["u"],"data":"x"} {"users":["u"],"data":"y"}""")]
    [InlineData("""{"users":["u"],"data":"x"}{}""")]
    [InlineData("""{"users":["u"],"data":"x"} 1""")]
    [InlineData("""{"users":["u"],"data":"x"}]""")]
    public async Task Publish_ContentAfterTheObject_Returns400AndPublishesNothing(string body)
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.PostJsonAsync(PublishResponses.PublishPath, body);

        await PublishResponses.AssertProblemAsync(response, HttpStatusCode.BadRequest, InvalidRequest, "the body must hold one JSON object and nothing after it");
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);
    }

    [Fact]
    public async Task Publish_TrailingWhitespaceAfterTheObject_IsAccepted()
    {
        await using var server = await HeraldTestServer.StartAsync();

        var answer = await server.PublishAsync("  {\"users\":[\"u\"],\"data\":\"x\"}\r\n\t ");

        Assert.Equal(1, answer.Only.Seq);
    }

    [Fact]
    public async Task Publish_InvalidUtf8InData_Returns400AndSendsNoBrokenTextFrame()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u");
        byte[] body = [.. "{\"users\":[\"u\"],\"data\":\""u8, 0xC3, 0x28, .. "\"}"u8];

        using var response = await server.PostBytesAsync(PublishResponses.PublishPath, body, "application/json");

        await PublishResponses.AssertProblemAsync(response, HttpStatusCode.BadRequest, InvalidRequest, "the body is not valid UTF-8");
        Assert.Equal(1, await server.SendAsync("u", "marker"));
        Assert.Equal("marker", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Publish_InvalidUtf8InObjectData_Returns400()
    {
        await using var server = await HeraldTestServer.StartAsync();
        byte[] body = [.. "{\"users\":[\"u\"],\"data\":{\"a\":\""u8, 0xFF, .. "\"}}"u8];

        using var response = await server.PostBytesAsync(PublishResponses.PublishPath, body, "application/json");

        await PublishResponses.AssertProblemAsync(response, HttpStatusCode.BadRequest, InvalidRequest, "the body is not valid UTF-8");
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);
    }

    [Fact]
    public async Task Publish_InvalidUtf8InAUserId_Returns400()
    {
        await using var server = await HeraldTestServer.StartAsync();
        byte[] body = [.. "{\"users\":[\""u8, 0xED, 0xA0, 0x80, .. "\"],\"data\":\"x\"}"u8];

        using var response = await server.PostBytesAsync(PublishResponses.PublishPath, body, "application/json");

        await PublishResponses.AssertProblemAsync(response, HttpStatusCode.BadRequest, InvalidRequest, "the body is not valid UTF-8");
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);
    }

    [Theory]
    [InlineData("""{"users":["\ud800"],"data":"x"}""")]
    [InlineData("""{"users":["u"],"data":"x","key":"\udc00"}""")]
    [InlineData("""{"\ud800":1,"users":["u"],"data":"x"}""")]
    [InlineData("""{"topics":["orders\ud800"],"data":"x"}""")]
    [InlineData("""{"users":["u"],"data":"x","idempotencyKey":"k\udc00"}""")]
    public async Task Publish_LoneSurrogateEscapeInAString_Returns400(string body)
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.PostJsonAsync(PublishResponses.PublishPath, body);

        var problem = await PublishResponses.ReadProblemAsync(response, HttpStatusCode.BadRequest, InvalidRequest);
        Assert.StartsWith("the body is not valid JSON: ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);
    }

    [Fact]
    public async Task Publish_LoneSurrogateEscapeInStringData_Returns400()
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.PostJsonAsync(PublishResponses.PublishPath, """{"users":["u"],"data":"\ud800"}""");

        var problem = await PublishResponses.ReadProblemAsync(response, HttpStatusCode.BadRequest, InvalidRequest);
        Assert.StartsWith("the body is not valid JSON: ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);
    }

    [Fact]
    public async Task Publish_LoneSurrogateEscapeInsideObjectData_IsPublishedAsSent()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u");

        await server.PublishAsync("""{"users":["u"],"data":{"\ud800":"\udc00"}}""");

        Assert.Equal("""{"\ud800":"\udc00"}""", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Publish_InvalidRequest_IsLoggedAsPublishRejected()
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.PostJsonAsync(PublishResponses.PublishPath, """{"user":["u"],"data":"x"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await Eventually.TrueAsync(() => server.Logs.Contains("PublishRejected"), "the rejection to be logged");
    }

    // ---- 415 and 413 ----

    [Theory]
    [InlineData("text/plain", "Content type 'text/plain' is not accepted: send application/json.")]
    [InlineData("text/plain; charset=utf-8", "Content type 'text/plain; charset=utf-8' is not accepted: send application/json.")]
    [InlineData("application/x-www-form-urlencoded", "Content type 'application/x-www-form-urlencoded' is not accepted: send application/json.")]
    [InlineData(null, "Content type '' is not accepted: send application/json.")]
    public async Task Publish_NotJsonContentType_Returns415(string? contentType, string detail)
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.PostBytesAsync(PublishResponses.PublishPath, """{"users":["u"],"data":"x"}"""u8.ToArray(), contentType);

        await PublishResponses.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "Unsupported content type", detail);
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/vnd.herald+json")]
    public async Task Publish_OtherJsonContentTypes_AreAccepted(string contentType)
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.PostBytesAsync(PublishResponses.PublishPath, """{"users":["u"],"data":"x"}"""u8.ToArray(), contentType);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Publish_BodyOverSixTimesMaxMessageBytesPlus64KiB_Returns413()
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.MaxMessageBytes = 1024);
        const int Limit = (6 * 1024) + (64 * 1024);

        using var atLimit = await server.PostJsonAsync(PublishResponses.PublishPath, BodyOfLength(Limit));
        using var overLimit = await server.PostJsonAsync(PublishResponses.PublishPath, BodyOfLength(Limit + 1));

        // At the limit the body is read (and its data is too big); one byte more and it is not read at all.
        await PublishResponses.AssertProblemAsync(atLimit, HttpStatusCode.BadRequest, InvalidRequest, $"data must be at most 1024 bytes of UTF-8 (was {Limit - 25})");
        var problem = await PublishResponses.ReadProblemAsync(overLimit, HttpStatusCode.RequestEntityTooLarge, "Unreadable request body");
        Assert.Contains("Request body too large", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);
    }

    [Fact]
    public async Task Publish_ChunkedBodyOverTheLimit_Returns413()
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.MaxMessageBytes = 1024);
        var body = Encoding.UTF8.GetBytes(BodyOfLength((6 * 1024) + (64 * 1024) + 1));
        using var request = new HttpRequestMessage(HttpMethod.Post, PublishResponses.PublishPath) { Content = new StreamContent(new MemoryStream(body)) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await server.Http.SendAsync(request, Cancellation);

        await PublishResponses.ReadProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "Unreadable request body");
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);
    }

    [Fact]
    public async Task Publish_EscapedDataOfMaxMessageBytes_FitsTheBodyLimit()
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.MaxMessageBytes = 1024);
        await using var client = await server.ConnectAsUserAsync("u");

        // Every byte of the data written as \u0001: six bytes of body per byte of data.
        var data = new string('\u0001', 1024);
        var body = "{\"users\":[\"u\"],\"data\":\"" + string.Concat(Enumerable.Repeat("\\u0001", 1024)) + "\"}";

        var answer = await server.PublishAsync(body);

        Assert.Equal(1, answer.Delivered);
        Assert.Equal(data, await client.ReceiveTextAsync());
    }

    // ---- Idempotency ----

    [Fact]
    public async Task Publish_SameIdempotencyKeyTwice_SecondAnswerIsTheFirstMarkedDuplicateAndNothingIsSentAgain()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u");
        const string Body = """{"users":["u"],"topics":["t"],"data":{"n":1},"idempotencyKey":"order-1-paid"}""";

        var first = await server.PublishTextAsync(Body);
        var second = await server.PublishTextAsync(Body);

        Assert.DoesNotContain("duplicate", first, StringComparison.Ordinal);
        Assert.Equal(first[..^1] + ",\"duplicate\":true}", second);
        Assert.Equal(1, await server.SendAsync("u", "marker"));
        Assert.Equal("""{"n":1}""", await client.ReceiveTextAsync());
        Assert.Equal("marker", await client.ReceiveTextAsync());
        Assert.Equal(3, server.Hub.GetStats().HistoryMessages);
    }

    [Fact]
    public async Task Publish_IdempotencyKeyInTheHeader_WorksAndMatchesTheSameKeyInTheBody()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u");

        var first = await server.PublishAsync("""{"users":["u"],"data":"x"}""", idempotencyKeyHeader: "h-1");
        var byHeader = await server.PublishAsync("""{"users":["u"],"data":"x"}""", idempotencyKeyHeader: "h-1");
        var byBody = await server.PublishAsync("""{"users":["u"],"data":"x","idempotencyKey":"h-1"}""");
        var byBoth = await server.PublishAsync("""{"users":["u"],"data":"x","idempotencyKey":"h-1"}""", idempotencyKeyHeader: "h-1");

        Assert.False(first.Duplicate);
        Assert.Equal(first with { Duplicate = true }, byHeader with { Streams = first.Streams });
        Assert.Equal(first.Streams, byHeader.Streams);
        Assert.True(byBody.Duplicate);
        Assert.True(byBoth.Duplicate);
        Assert.Equal(first.Id, byBody.Id);
        Assert.Equal(first.Id, byBoth.Id);
        Assert.Equal(1, await server.SendAsync("u", "marker"));
        Assert.Equal("x", await client.ReceiveTextAsync());
        Assert.Equal("marker", await client.ReceiveTextAsync());
    }

    [Theory]
    [InlineData("""{"users":["u"],"data":"other","idempotencyKey":"k"}""")]
    [InlineData("""{"users":["v"],"data":"x","idempotencyKey":"k"}""")]
    [InlineData("""{"users":["u"],"topics":["t"],"data":"x","idempotencyKey":"k"}""")]
    [InlineData("""{"users":["u"],"data":"x","key":"c","idempotencyKey":"k"}""")]
    [InlineData("""{"users":["u"],"data":["x"],"idempotencyKey":"k"}""")]
    [InlineData("""{"users":["u"],"broadcast":true,"data":"x","idempotencyKey":"k"}""")]
    public async Task Publish_SameIdempotencyKeyForADifferentMessage_Returns422(string second)
    {
        await using var server = await HeraldTestServer.StartAsync();
        await server.PublishAsync("""{"users":["u"],"data":"x","idempotencyKey":"k"}""");

        using var response = await server.PostJsonAsync(PublishResponses.PublishPath, second);

        await PublishResponses.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "Idempotency key reused",
            "idempotencyKey 'k' was used for a different message within the last 300 s");
        Assert.Equal(1, server.Hub.GetStats().MessagesPublished);
    }

    [Fact]
    public async Task Publish_SameIdempotencyKeyWithReorderedPropertiesOrSpacing_IsADuplicate()
    {
        await using var server = await HeraldTestServer.StartAsync();

        var first = await server.PublishAsync("""{"users":["u"],"data":"x","idempotencyKey":"k"}""");
        var second = await server.PublishAsync("""{ "idempotencyKey" : "k", "data" : "x", "users" : [ "u" ] }""");

        Assert.True(second.Duplicate);
        Assert.Equal(first.Id, second.Id);
    }

    [Fact]
    public async Task Publish_TwentyConcurrentRequestsWithOneKey_PublishOnceAndAllAnswerTheSameId()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u");
        const string Body = """{"users":["u"],"data":"once","idempotencyKey":"race"}""";

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => server.PublishAsync(Body), Cancellation)));

        Assert.Single(answers, a => !a.Duplicate);
        Assert.Single(answers.Select(a => a.Id).Distinct());
        Assert.All(answers, a => Assert.Equal(new StreamAnswer("user:u", answers[0].Only.Epoch, 1, 1), a.Only));
        Assert.Equal(1, server.Hub.GetStats().MessagesPublished);
        Assert.Equal(1, await server.SendAsync("u", "marker"));
        Assert.Equal("once", await client.ReceiveTextAsync());
        Assert.Equal("marker", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Publish_IdempotencyKeyAfterTheWindow_PublishesAnew()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var server = await HeraldTestServer.StartAsync(o => o.IdempotencyWindow = TimeSpan.FromSeconds(60), time);
        const string Body = """{"users":["u"],"data":"x","idempotencyKey":"k"}""";

        var first = await server.PublishAsync(Body);
        time.Advance(TimeSpan.FromSeconds(60) - TimeSpan.FromTicks(1));
        var stillDuplicate = await server.PublishAsync(Body);
        time.Advance(TimeSpan.FromTicks(1));
        var anew = await server.PublishAsync(Body);
        var duplicateOfTheNew = await server.PublishAsync(Body);

        Assert.True(stillDuplicate.Duplicate);
        Assert.Equal(first.Id, stillDuplicate.Id);
        Assert.False(anew.Duplicate);
        Assert.NotEqual(first.Id, anew.Id);
        Assert.Equal(2, anew.Only.Seq);
        Assert.True(duplicateOfTheNew.Duplicate);
        Assert.Equal(anew.Id, duplicateOfTheNew.Id);
    }

    [Fact]
    public async Task Publish_IdempotencyKeyAfterTheWindow_MayCarryADifferentMessage()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var server = await HeraldTestServer.StartAsync(o => o.IdempotencyWindow = TimeSpan.FromSeconds(60), time);
        await server.PublishAsync("""{"users":["u"],"data":"x","idempotencyKey":"k"}""");

        time.Advance(TimeSpan.FromSeconds(61));
        var answer = await server.PublishAsync("""{"users":["u"],"data":"y","idempotencyKey":"k"}""");

        Assert.False(answer.Duplicate);
    }

    [Fact]
    public async Task Publish_IdempotencyWindowOfOneSecondOnTheRealClock_KeyIsReusableAfterIt()
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.IdempotencyWindow = TimeSpan.FromSeconds(1));
        const string Body = """{"users":["u"],"data":"x","idempotencyKey":"k"}""";
        var first = await server.PublishAsync(Body);

        // Retries inside the window are duplicates; the first retry that is not shows the window has passed.
        PublishAnswer? anew = null;
        await Eventually.TrueAsync(async () => !(anew = await server.PublishAsync(Body)).Duplicate, "the key to be forgotten", TimeSpan.FromSeconds(10));

        Assert.NotEqual(first.Id, anew!.Id);
        Assert.Equal(2, anew.Only.Seq);
    }

    [Fact]
    public async Task Publish_MoreKeysThanMaxIdempotencyKeys_TheOldestIsForgotten()
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.MaxIdempotencyKeys = 2);

        var a = await server.PublishAsync("""{"users":["u"],"data":"a","idempotencyKey":"a"}""");
        await server.PublishAsync("""{"users":["u"],"data":"b","idempotencyKey":"b"}""");
        var c = await server.PublishAsync("""{"users":["u"],"data":"c","idempotencyKey":"c"}""");
        var aAgain = await server.PublishAsync("""{"users":["u"],"data":"a","idempotencyKey":"a"}""");
        var cAgain = await server.PublishAsync("""{"users":["u"],"data":"c","idempotencyKey":"c"}""");

        Assert.False(aAgain.Duplicate);
        Assert.NotEqual(a.Id, aAgain.Id);
        Assert.Equal(4, aAgain.Only.Seq);
        Assert.True(cAgain.Duplicate);
        Assert.Equal(c.Id, cAgain.Id);
    }

    [Fact]
    public async Task Publish_RefusedRequestWithAKey_DoesNotTakeTheKey()
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var refused = await server.PostJsonAsync(PublishResponses.PublishPath, """{"users":[""],"data":"x","idempotencyKey":"k"}""");
        var answer = await server.PublishAsync("""{"users":["u"],"data":"y","idempotencyKey":"k"}""");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.False(answer.Duplicate);
    }

    [Fact]
    public async Task Publish_SameKeyAsAHubPublish_IsADuplicateOfIt()
    {
        await using var server = await HeraldTestServer.StartAsync();

        var fromHub = await server.Hub.PublishAsync(new HeraldPublication { Users = ["u"], Text = "x", IdempotencyKey = "shared" }, Cancellation);
        var fromHttp = await server.PublishAsync("""{"users":["u"],"data":"x","idempotencyKey":"shared"}""");

        Assert.True(fromHttp.Duplicate);
        Assert.Equal(fromHub.Id, fromHttp.Id);
    }

    // ---- Stats ----

    [Fact]
    public async Task Stats_AfterPublishes_ReportTheNewFieldsAndHistoryGrows()
    {
        await using var server = await HeraldTestServer.StartAsync();

        var before = await GetStatsAsync(server);
        await server.PublishAsync("""{"users":["a"],"data":"1"}""");
        var afterOne = await GetStatsAsync(server);
        await server.PublishAsync("""{"users":["a","b"],"topics":["t"],"broadcast":true,"data":{"n":2}}""");
        var afterTwo = await GetStatsAsync(server);

        foreach (var name in new[] { "topics", "messagesConflated", "historyStreams", "historyMessages", "historyBytes", "idempotencyKeys", "idempotencyBytes" })
        {
            Assert.True(before.TryGetProperty(name, out _), $"stats lack '{name}'");
        }

        Assert.Equal(0, before.GetProperty("topics").GetInt32());
        Assert.Equal(0, before.GetProperty("messagesConflated").GetInt64());
        Assert.Equal(0, before.GetProperty("historyStreams").GetInt32());
        Assert.Equal(0, before.GetProperty("historyMessages").GetInt32());
        Assert.Equal(0, before.GetProperty("historyBytes").GetInt64());
        Assert.Equal(0, afterTwo.GetProperty("idempotencyKeys").GetInt32());
        Assert.Equal(0, afterTwo.GetProperty("idempotencyBytes").GetInt64());

        Assert.Equal(1, afterOne.GetProperty("historyStreams").GetInt32());
        Assert.Equal(1, afterOne.GetProperty("historyMessages").GetInt32());
        Assert.True(afterOne.GetProperty("historyBytes").GetInt64() > 0);

        Assert.Equal(4, afterTwo.GetProperty("historyStreams").GetInt32());
        Assert.Equal(5, afterTwo.GetProperty("historyMessages").GetInt32());
        Assert.True(afterTwo.GetProperty("historyBytes").GetInt64() > afterOne.GetProperty("historyBytes").GetInt64());
        Assert.Equal(0, afterTwo.GetProperty("topics").GetInt32());

        // Counted once per stream: 1 for the first publish, 4 for the second.
        Assert.Equal(5, afterTwo.GetProperty("messagesPublished").GetInt64());
    }

    private static async Task<JsonElement> GetStatsAsync(HeraldTestServer server)
    {
        using var response = await server.Http.GetAsync("/api/v1/stats", Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        return document.RootElement.Clone();
    }

    /// <summary>A publish to user "u" whose body is exactly <paramref name="length"/> bytes: 25 bytes of JSON around the data.</summary>
    private static string BodyOfLength(int length)
    {
        const string Head = "{\"users\":[\"u\"],\"data\":\"";
        const string Tail = "\"}";
        var body = Head + new string('x', length - Head.Length - Tail.Length) + Tail;
        Assert.Equal(length, Encoding.UTF8.GetByteCount(body));
        return body;
    }
}
