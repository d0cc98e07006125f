using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Protocol;

/// <summary>The herald.v1 flavour end to end: negotiation, login, envelopes, topics, broadcast and every refusal.</summary>
public abstract class HeraldV1SessionTests(bool direct) : BothWebSocketPaths(direct)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Handshake_OfferingHeraldV1AmongOthers_SelectsIt()
    {
        await using var server = await StartServerAsync();
        await using var client = await TestClient.ConnectAsync(server.WebSocketUri, options =>
        {
            options.AddSubProtocol("chat");
            options.AddSubProtocol("herald.v1");
        });

        Assert.Equal("herald.v1", client.Socket.SubProtocol);
    }

    [Fact]
    public async Task Handshake_OfferingOnlyUnknownSubprotocols_IsRefusedWith400()
    {
        await using var server = await StartServerAsync();
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("mqtt");
        socket.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAnyAsync<WebSocketException>(() => socket.ConnectAsync(server.WebSocketUri, Cancellation));

        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
    }

    [Fact]
    public async Task Login_AnswersWelcomeThenJoinedForTheUserStreamAndBroadcast()
    {
        await using var server = await StartServerAsync();
        await using var client = await V1Client.ConnectAsync(server);

        await client.SendTextAsync("""{"type":"login","uid":"ada"}""");

        var welcome = await client.ReceiveTypeAsync("welcome");
        Assert.Equal("ada", (string?)welcome["uid"]);
        Assert.True(long.Parse((string)welcome["connectionId"]!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        var user = await client.ReceiveTypeAsync("joined");
        Assert.Equal("""{"type":"joined","stream":"user:ada","epoch":null,"seq":0}""", user.ToJsonString());
        var broadcast = await client.ReceiveTypeAsync("joined");
        Assert.Equal("broadcast", (string?)broadcast["stream"]);
        Assert.Equal(1, server.Hub.GetUser("ada").Connections);
    }

    [Fact]
    public async Task Message_FromSend_ArrivesAsAnEnvelopeWithItsPlaceInTheStream()
    {
        await using var server = await StartServerAsync();
        var (client, _, _) = await V1Client.LogInAsync(server, "ada");
        await using var _ = client;
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        Assert.Equal(1, await server.SendAsync("ada", "Hello World"));
        Assert.Equal(1, await server.SendAsync("ada", "{\"n\":2}"));

        var first = await client.ReceiveTypeAsync("message");
        var second = await client.ReceiveTypeAsync("message");
        Assert.Equal("user:ada", (string?)first["stream"]);
        Assert.Equal(1, (long)first["seq"]!);
        Assert.Equal(2, (long)second["seq"]!);
        Assert.Equal((string?)first["epoch"], (string?)second["epoch"]);
        Assert.False(string.IsNullOrEmpty((string?)first["epoch"]));
        Assert.Matches("^[0-9a-f]{32}$", (string)first["id"]!);
        Assert.NotEqual((string?)first["id"], (string?)second["id"]);
        Assert.InRange(DateTimeOffset.Parse((string)first["time"]!, System.Globalization.CultureInfo.InvariantCulture), before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal("Hello World", (string?)first["data"]);
        Assert.Equal("{\"n\":2}", (string?)second["data"]);
        Assert.Null(first["key"]);
    }

    [Fact]
    public async Task Publish_JsonDataAndKey_ArriveAsJsonWithTheKey()
    {
        await using var server = await StartServerAsync();
        var (client, _, _) = await V1Client.LogInAsync(server, "ada");
        await using var _ = client;

        await server.PublishAsync("""{"users":["ada"],"data":{"progress":40,"label":"导出"},"key":"job-7"}""");

        var message = await client.ReceiveTypeAsync("message");
        Assert.Equal("""{"progress":40,"label":"导出"}""", message["data"]!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        Assert.Equal("job-7", (string?)message["key"]);
    }

    [Fact]
    public async Task Topics_SubscribeReceiveUnsubscribe_ReachExactlyTheSubscribers()
    {
        await using var server = await StartServerAsync();
        var (subscriber, _, _) = await V1Client.LogInAsync(server, "ada");
        var (other, _, _) = await V1Client.LogInAsync(server, "bob");
        await using var _ = subscriber;
        await using var __ = other;

        await subscriber.SendTextAsync("""{"type":"subscribe","topic":"orders"}""");
        var joined = await subscriber.ReceiveTypeAsync("joined");
        Assert.Equal("topic:orders", (string?)joined["stream"]);
        Assert.Equal(1, server.Hub.GetStats().Topics);

        var result = await server.PublishAsync("""{"topics":["orders"],"data":"order 1"}""");
        Assert.Equal(1, result.Delivered);
        var message = await subscriber.ReceiveTypeAsync("message");
        Assert.Equal("topic:orders", (string?)message["stream"]);
        Assert.Equal("order 1", (string?)message["data"]);

        await subscriber.SendTextAsync("""{"type":"unsubscribe","topic":"orders"}""");
        Assert.Equal("""{"type":"left","stream":"topic:orders"}""", (await subscriber.ReceiveTypeAsync("left")).ToJsonString());
        Assert.Equal(0, (await server.PublishAsync("""{"topics":["orders"],"data":"order 2"}""")).Delivered);
        Assert.Equal(0, server.Hub.GetStats().Topics);

        // Order on the user stream proves nothing else was queued in between.
        await server.SendAsync("ada", "after");
        Assert.Equal("after", (string?)(await subscriber.ReceiveTypeAsync("message"))["data"]);
        await server.SendAsync("bob", "only bob");
        Assert.Equal("only bob", (string?)(await other.ReceiveTypeAsync("message"))["data"]);
    }

    [Fact]
    public async Task Broadcast_ReachesEveryLoggedInConnectionOfBothFlavoursButNotOneWaitingToLogIn()
    {
        await using var server = await StartServerAsync();
        var (v1, _, _) = await V1Client.LogInAsync(server, "ada");
        await using var _ = v1;
        await using var seed = await server.ConnectAsUserAsync("bob");
        await using var anonymous = await server.ConnectAsync();

        var result = await server.PublishAsync("""{"broadcast":true,"data":"maintenance at 22:00"}""");

        Assert.Equal(2, result.Delivered);
        var message = await v1.ReceiveTypeAsync("message");
        Assert.Equal("broadcast", (string?)message["stream"]);
        Assert.Equal(1, (long)message["seq"]!);
        Assert.Equal("maintenance at 22:00", await seed.ReceiveTextAsync());
        await anonymous.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Ping_IsAnsweredWithPong_EvenBeforeLogin()
    {
        await using var server = await StartServerAsync();
        await using var client = await V1Client.ConnectAsync(server);

        await client.SendTextAsync("""{"type":"ping"}""");

        Assert.Equal("""{"type":"pong"}""", (await client.ReceiveTypeAsync("pong")).ToJsonString());
    }

    [Fact]
    public async Task Ping_TenThousandPipelinedWithoutReading_LeavesOnePongWaitingAndTheConnectionOpen()
    {
        // The message rate limit would close the connection long before; this is about the queue alone.
        await using var server = await StartServerAsync(o => o.ClientMessagesPerSecond = 0);
        var (client, _, _) = await V1Client.LogInAsync(server, "ada");
        await using var _ = client;

        for (var i = 0; i < 10_000; i++)
        {
            await client.SendTextAsync("""{"type":"ping"}""");
        }

        // Pongs not yet written replace each other, so they cannot fill the queue and cut the client off as slow.
        Assert.Equal(1, await server.SendAsync("ada", "after the pings"));
        var pongs = 0;
        JsonObject received;
        while ((string?)(received = await client.ReceiveAsync())["type"] == "pong")
        {
            pongs++;
        }

        Assert.Equal("after the pings", (string?)received["data"]);
        Assert.InRange(pongs, 1, 10_000);
        Assert.Equal(0, server.Hub.GetStats().SlowConsumerDisconnects);
    }

    [Fact]
    public async Task RefusedCommand_TenThousandInARow_AreEachAnsweredAndTheConnectionStaysOpen()
    {
        // The message rate limit would close the connection long before; this is about the answers and the log.
        await using var server = await StartServerAsync(o => o.ClientMessagesPerSecond = 0);
        await using var client = await V1Client.ConnectAsync(server);

        for (var i = 0; i < 10_000; i++)
        {
            await client.SendTextAsync("""{"type":"fly"}""");
        }

        // The answers are held back, not dropped: the client's next messages wait while too many are unread.
        for (var i = 0; i < 10_000; i++)
        {
            Assert.Equal("unknown_type", (string?)(await client.ReceiveTypeAsync("error"))["code"]);
        }

        await client.SendTextAsync("""{"type":"ping"}""");
        await client.ReceiveTypeAsync("pong");
        Assert.Equal(0, server.Hub.GetStats().SlowConsumerDisconnects);

        // The log gets the first ten refusals, then one line for all the others, when the connection ends.
        await client.DisposeAsync();
        await Eventually.TrueAsync(() => server.Logs.Contains("ConnectionClosed"), "the connection's end to be logged");
        Assert.Equal(10, server.Logs.Entries.Count(entry => entry.EventName == "CommandRefused"));
        var notLogged = Assert.Single(server.Logs.Entries, entry => entry.EventName == "RefusalsNotLogged");
        Assert.Contains(": 9990 more refusals not logged", notLogged.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"subscribe","topic":"orders"}""", "not_logged_in", "log in first", "subscribe")]
    [InlineData("""{"type":"unsubscribe","topic":"orders"}""", "not_logged_in", "log in first", "unsubscribe")]
    [InlineData("""{"type":"fly"}""", "unknown_type", "unknown type 'fly'; this server knows login, subscribe, unsubscribe, refresh and ping", "fly")]
    [InlineData("""[1,2]""", "invalid_command", "a command must be a JSON object (was an array)", null)]
    [InlineData("""{"uid":"ada"}""", "invalid_command", "type is required and must be a string", null)]
    [InlineData("""{"type":"\ud800"}""", "invalid_command", "type is not valid UTF-16: lone surrogate", null)]
    [InlineData("""{"type":"subscribe","topic":"\udc00"}""", "invalid_command", "topic is not valid UTF-16: lone surrogate", "subscribe")]
    [InlineData("""{"type":"subscribe","topic":"orders","resume":{"epoch":"\ud800","seq":1}}""", "invalid_command", "resume.epoch is not valid UTF-16: lone surrogate", "subscribe")]
    public async Task RefusedCommand_BeforeLogin_GetsAnErrorAndTheConnectionStaysOpen(string command, string code, string message, string? type)
    {
        await using var server = await StartServerAsync();
        await using var client = await V1Client.ConnectAsync(server);

        await client.SendTextAsync(command);

        var error = await client.ReceiveTypeAsync("error");
        Assert.Equal(code, (string?)error["code"]);
        Assert.Equal(message, (string?)error["message"]);
        Assert.Equal(type, (string?)error["command"]);
        await client.SendTextAsync("""{"type":"ping"}""");
        await client.ReceiveTypeAsync("pong");
    }

    [Fact]
    public async Task Subscribe_Refusals_NameTheRule()
    {
        await using var server = await StartServerAsync(o => o.MaxTopicsPerConnection = 1);
        var (client, _, _) = await V1Client.LogInAsync(server, "ada");
        await using var _ = client;

        await client.SendTextAsync("""{"type":"subscribe","topic":"bad topic"}""");
        var invalid = await client.ReceiveTypeAsync("error");
        Assert.Equal("invalid_topic", (string?)invalid["code"]);
        Assert.Equal("topic must be 1 to 128 characters of A-Z a-z 0-9 . _ - : / (was 'bad topic')", (string?)invalid["message"]);

        await client.SendTextAsync("""{"type":"subscribe","topic":"a"}""");
        await client.ReceiveTypeAsync("joined");
        await client.SendTextAsync("""{"type":"subscribe","topic":"a"}""");
        Assert.Equal("already_subscribed", (string?)(await client.ReceiveTypeAsync("error"))["code"]);
        await client.SendTextAsync("""{"type":"subscribe","topic":"b"}""");
        var tooMany = await client.ReceiveTypeAsync("error");
        Assert.Equal("too_many_topics", (string?)tooMany["code"]);
        Assert.Equal("a connection may be on at most 1 topics", (string?)tooMany["message"]);
        Assert.Equal(1, server.Hub.GetStats().LimitRefusals);
        await client.SendTextAsync("""{"type":"subscribe","topic":"c","resume":{"seq":-1}}""");
        var badPosition = await client.ReceiveTypeAsync("error");
        Assert.Equal("invalid_command", (string?)badPosition["code"]);
        Assert.Equal("resume.seq is required and must be a whole number, 0 or more", (string?)badPosition["message"]);
    }

    [Theory]
    [InlineData("""{"type":"login","uid":7}""", 4000, "uid must be a string")]
    [InlineData("""{"type":"login"}""", 4000, "uid or token is required")]
    [InlineData("""{"type":"login","uid":"ada","resume":{"topic:x":{"seq":0}}}""", 4000, "resume may name only user:ada and broadcast (was 'topic:x')")]
    [InlineData("""{"type":"login","uid":"ada","resume":{"user:ada":{"seq":3}}}""", 4000, "resume.user:ada.epoch is required when seq is not 0")]
    [InlineData("""{"type":"login","uid":"ada","resume":[]}""", 4000, "resume must be an object mapping a stream name to a position")]
    [InlineData("""{"type":"login","uid":"\ud800"}""", 4000, "uid is not valid UTF-16: lone surrogate")]
    [InlineData("""{"type":"login","uid":"ada","resume":{"\udc00":{"seq":0}}}""", 4000, "resume names a stream that is not valid UTF-16: lone surrogate")]
    [InlineData("""{"type":"login","uid":"ada","resume":{"user:ada":{"epoch":"\ud800","seq":3}}}""", 4000, "resume.user:ada.epoch is not valid UTF-16: lone surrogate")]
    public async Task Login_Unusable_ClosesWith4000AndTheRule(string login, int code, string reason)
    {
        await using var server = await StartServerAsync();
        await using var client = await V1Client.ConnectAsync(server);

        await client.SendTextAsync(login);

        Assert.Equal(code, await client.Raw.ReceiveCloseAsync());
        Assert.Equal(reason, client.Raw.Socket.CloseStatusDescription);
        await Eventually.TrueAsync(() => server.Logs.Contains("LoginRejected"), "the refused login to be logged");
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.EventName == "ConnectionFailed");
    }

    [Fact]
    public async Task Login_Twice_ClosesWith4002()
    {
        await using var server = await StartServerAsync();
        var (client, _, _) = await V1Client.LogInAsync(server, "ada");
        await using var _ = client;

        await client.SendTextAsync("""{"type":"login","uid":"ada"}""");

        Assert.Equal(4002, await client.Raw.ReceiveCloseAsync());
    }
}

public sealed class HeraldV1SessionTestsThroughAspNetCore() : HeraldV1SessionTests(direct: false);

public sealed class HeraldV1SessionTestsOnDirectPath() : HeraldV1SessionTests(direct: true);
