using System.Text.Json.Nodes;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Auth;

/// <summary>
/// The connect hook end to end, on both WebSocket paths: a browser's session cookie logs it in as the user the
/// backend names, and every refusal or failure closes with its code while an innocent user keeps receiving.
/// </summary>
public abstract class ConnectHookLoginTests(bool direct) : BothWebSocketPaths(direct)
{
    private const string Cookie = "session=alice-session; theme=dark";

    [Fact]
    public async Task SeedConnection_WithTheSessionCookie_IsLoggedInAsTheHooksUserAtOnce()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, """{"uid":"alice"}"""));
        await using var server = await StartWithHookAsync(backend);

        await using var client = await ConnectWithCookieAsync(server, Cookie);

        await Eventually.TrueAsync(() => server.Hub.GetUser("alice").Online, "the hook's user to be logged in without a login message");
        Assert.Equal(1, await server.SendAsync("alice", "for alice"));
        Assert.Equal("for alice", await client.ReceiveTextAsync());
        var sent = Assert.Single(backend.Requests).Json;
        Assert.Equal(Cookie, sent.GetProperty("headers").GetProperty("Cookie").GetString());
        Assert.Equal("connect", sent.GetProperty("type").GetString());
    }

    [Fact]
    public async Task SeedConnection_LoggedInByTheHook_IgnoresItsOwnUidAndRefusesAnother()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, """{"uid":"alice"}"""));
        await using var server = await StartWithHookAsync(backend);
        await using var innocent = await ConnectWithCookieAsync(server, Cookie);
        await Eventually.TrueAsync(() => server.Hub.GetUser("alice").Online, "the innocent connection");
        await using var client = await ConnectWithCookieAsync(server, Cookie);
        await Eventually.TrueAsync(() => server.Hub.GetUser("alice").Connections == 2, "the second connection");

        await client.SendTextAsync("""{"uid":"alice"}""");
        Assert.Equal(2, await server.SendAsync("alice", "still both"));
        Assert.Equal("still both", await client.ReceiveTextAsync());
        await client.SendTextAsync("""{"uid":"mallory"}""");

        Assert.Equal(HeraldCloseCodes.LoginRefused, await client.ReceiveCloseAsync());
        Assert.False(server.Hub.GetUser("mallory").Online);
        Assert.Equal("still both", await innocent.ReceiveTextAsync());
        Assert.Equal(1, await server.SendAsync("alice", "innocent only"));
        Assert.Equal("innocent only", await innocent.ReceiveTextAsync());
    }

    [Fact]
    public async Task AnonymousLogin_WhileAHookIsConfigured_ClosesWith4012()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Status(403));
        await using var server = await StartWithHookAsync(backend);
        await using var client = await server.ConnectAsync();
        Assert.Equal(HeraldCloseCodes.LoginRefused, await client.ReceiveCloseAsync());
    }

    [Theory]
    [InlineData(403, """{"reason":"signed out"}""", HeraldCloseCodes.LoginRefused, "signed out")]
    [InlineData(401, "", HeraldCloseCodes.LoginRefused, "refused by the application")]
    [InlineData(500, "", HeraldCloseCodes.AuthUnavailable, "authentication is unavailable, try again later")]
    [InlineData(200, """{"user":"alice"}""", HeraldCloseCodes.AuthUnavailable, "authentication is unavailable, try again later")]
    [InlineData(200, "<html>not json</html>", HeraldCloseCodes.AuthUnavailable, "authentication is unavailable, try again later")]
    public async Task Connection_HookRefusesOrFails_ClosesWithItsCodeAndAnInnocentUserKeepsReceiving(int status, string body, int code, string reason)
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, """{"uid":"innocent"}"""));
        await using var server = await StartWithHookAsync(backend);
        await using var innocent = await ConnectWithCookieAsync(server, "session=innocent");
        await Eventually.TrueAsync(() => server.Hub.GetUser("innocent").Online, "the innocent user");
        backend.Answer(HookBackend.Json(status, body));

        await using var client = await ConnectWithCookieAsync(server, Cookie);

        Assert.Equal(code, await client.ReceiveCloseAsync());
        Assert.Equal(reason, client.Socket.CloseStatusDescription);
        Assert.Equal(1, await server.SendAsync("innocent", "still here"));
        Assert.Equal("still here", await innocent.ReceiveTextAsync());
    }

    [Fact]
    public async Task Connection_HookTooSlow_ClosesWith4013BeforeTheLoginTimeout()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await HookBackend.StartAsync(HookBackend.Status(500));
        backend.Answer(backend.Slow(arrived, release, HookBackend.Json(200, """{"uid":"alice"}""")));
        await using var server = await StartWithHookAsync(backend, timeout: TimeSpan.FromMilliseconds(300));

        await using var client = await ConnectWithCookieAsync(server, Cookie);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(HeraldCloseCodes.AuthUnavailable, await client.ReceiveCloseAsync());
        Assert.False(server.Hub.GetUser("alice").Online);
    }

    [Fact]
    public async Task HeraldV1_HooksTopics_AreGrantedAndOthersRefusedWithoutAsking()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, """{"uid":"alice","topics":["orders:*"]}"""));
        await using var server = await StartWithHookAsync(backend);
        await using var client = await ConnectV1WithCookieAsync(server, Cookie);
        await client.SendAsync(new JsonObject { ["type"] = "login" });
        Assert.Equal("alice", (string?)(await client.ReceiveTypeAsync("welcome"))["uid"]);

        await client.SendAsync(new JsonObject { ["type"] = "subscribe", ["topic"] = "orders:eu" });
        await SkipUntilAsync(client, envelope => (string?)envelope["stream"] == "topic:orders:eu");
        await client.SendAsync(new JsonObject { ["type"] = "subscribe", ["topic"] = "payroll" });
        var refused = await SkipUntilAsync(client, envelope => (string?)envelope["type"] == "error");

        Assert.Equal("topic_not_allowed", (string?)refused["code"]);
        Assert.Equal(1, backend.CallsTo("/connect"));
        Assert.Single(backend.Requests);
    }

    [Fact]
    public async Task HeraldV1_CheckSubscribes_AsksTheHookForATopicBeyondTheGrants()
    {
        await using var backend = await HookBackend.StartAsync(context => context.Request.Path == "/subscribe"
            ? HookBackend.Json(200, """{"allowed":true}""")(context)
            : HookBackend.Json(200, """{"uid":"alice"}""")(context));
        await using var server = await StartWithHookAsync(backend, checkSubscribes: true);
        await using var client = await ConnectV1WithCookieAsync(server, Cookie);
        await client.SendAsync(new JsonObject { ["type"] = "login" });
        await client.ReceiveTypeAsync("welcome");

        await client.SendAsync(new JsonObject { ["type"] = "subscribe", ["topic"] = "team:7" });
        await SkipUntilAsync(client, envelope => (string?)envelope["type"] == "joined" && (string?)envelope["stream"] == "topic:team:7");

        var asked = backend.Requests.Single(request => request.Path == "/subscribe").Json;
        Assert.Equal("alice", asked.GetProperty("uid").GetString());
        Assert.Equal("team:7", asked.GetProperty("topic").GetString());
    }

    [Fact]
    public async Task HeraldV1_LoginTokenBesideTheHooksIdentity_ClosesWith4012()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, """{"uid":"alice"}"""));
        await using var server = await StartWithHookAsync(backend);
        await using var client = await ConnectV1WithCookieAsync(server, Cookie);

        await client.SendAsync(new JsonObject { ["type"] = "login", ["uid"] = "mallory" });

        Assert.Equal(HeraldCloseCodes.LoginRefused, await client.Raw.ReceiveCloseAsync());
        Assert.Equal("uid is not the credential's user", client.Raw.Socket.CloseStatusDescription);
        Assert.False(server.Hub.GetUser("mallory").Online);
    }

    private Task<HeraldTestServer> StartWithHookAsync(HookBackend backend, TimeSpan? timeout = null, bool checkSubscribes = false) =>
        StartServerAsync(options =>
        {
            options.ConnectHook.Url = backend.Url;
            options.ConnectHook.CheckSubscribes = checkSubscribes;
            if (checkSubscribes)
            {
                options.ConnectHook.SubscribeUrl = backend.SubscribeUrl;
            }

            if (timeout is { } hookTimeout)
            {
                options.ConnectHook.Timeout = hookTimeout;
            }
        });

    private static Task<TestClient> ConnectWithCookieAsync(HeraldTestServer server, string cookie) =>
        TestClient.ConnectAsync(server.WebSocketUri, options => options.SetRequestHeader("Cookie", cookie));

    private static async Task<V1Client> ConnectV1WithCookieAsync(HeraldTestServer server, string cookie) =>
        await V1Client.ConnectAsync(server, options => options.SetRequestHeader("Cookie", cookie));

    private static async Task<JsonObject> SkipUntilAsync(V1Client client, Func<JsonObject, bool> match)
    {
        while (true)
        {
            var envelope = await client.ReceiveAsync();
            if (match(envelope))
            {
                return envelope;
            }
        }
    }
}

public sealed class ConnectHookLoginTestsThroughAspNetCore() : ConnectHookLoginTests(direct: false);

public sealed class ConnectHookLoginTestsOnDirectPath() : ConnectHookLoginTests(direct: true);
