using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Herald.Tests.Auth;

/// <summary>
/// Token logins end to end, on both WebSocket paths: every forged, stale or misused credential gets its exact close
/// code or error, and an innocent user logged in with a good token on the same server keeps receiving.
/// </summary>
public abstract class TokenLoginTests(bool direct) : BothWebSocketPaths(direct)
{
    private const string Issuer = "https://idp.example";
    private const string Audience = "herald";
    private static readonly byte[] Secret = TestTokens.Secret();
    private static readonly SymmetricSecurityKey Key = new(Secret);
    private static readonly string[] OrdersAndNews = ["orders:*", "news"];

    public static TheoryData<string, string, int> RefusedTokens => new()
    {
        { "wrongly signed", Token("ada", key: new SymmetricSecurityKey(TestTokens.Secret())), HeraldCloseCodes.InvalidToken },
        { "expired", Token("ada", issuedAt: DateTimeOffset.UtcNow.AddHours(-1)), HeraldCloseCodes.TokenExpired },
        { "not yet valid", Token("ada", configure: t => t.NotBefore = DateTime.UtcNow.AddHours(1)), HeraldCloseCodes.InvalidToken },
        { "wrong issuer", Token("ada", configure: t => t.Issuer = "https://evil.example"), HeraldCloseCodes.InvalidToken },
        { "wrong audience", Token("ada", configure: t => t.Audience = "another-app"), HeraldCloseCodes.InvalidToken },
        { "alg none", TestTokens.HandMade("""{"alg":"none","typ":"JWT"}""", Payload("ada")), HeraldCloseCodes.InvalidToken },
        { "HS512 with a secret too short for it", TestTokens.HandMade("""{"alg":"HS512","typ":"JWT"}""", Payload("ada"), Secret, "SHA512"), HeraldCloseCodes.InvalidToken },
        { "not a JWT", "not.a.token", HeraldCloseCodes.InvalidToken },
        { "without sub", Token(null), HeraldCloseCodes.InvalidToken },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task SeedLogin_RefusedToken_ClosesWithItsCodeAndAnInnocentUserKeepsReceiving(string why, string token, int code)
    {
        await using var server = await StartWithTokensAsync();
        await using var innocent = await LogInAsync(server, "innocent");
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync($$"""{"token":"{{token}}"}""");

        Assert.True(code == await client.ReceiveCloseAsync(), why);
        Assert.False(server.Hub.GetUser("ada").Online, why);
        await AssertStillReceivesAsync(server, innocent, "innocent");
    }

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task HeraldV1Login_RefusedToken_ClosesWithItsCode(string why, string token, int code)
    {
        await using var server = await StartWithTokensAsync();
        await using var client = await V1Client.ConnectAsync(server);

        await client.SendAsync(new JsonObject { ["type"] = "login", ["token"] = token });

        Assert.True(code == await client.Raw.ReceiveCloseAsync(), why);
    }

    [Fact]
    public async Task SeedLogin_ValidToken_ReceivesTheTokensUsersMessages()
    {
        await using var server = await StartWithTokensAsync();

        await using var client = await LogInAsync(server, "ada");

        await AssertStillReceivesAsync(server, client, "ada");
    }

    [Theory]
    [InlineData("""{"uid":"ada"}""", "anonymous login is off: log in with a token")]
    [InlineData("""{"uid":"mallory","token":"TOKEN"}""", "uid is not the token's user")]
    public async Task SeedLogin_SpoofedUid_ClosesWith4012AndAnInnocentUserKeepsReceiving(string login, string reason)
    {
        await using var server = await StartWithTokensAsync();
        await using var innocent = await LogInAsync(server, "innocent");
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync(login.Replace("TOKEN", Token("ada"), StringComparison.Ordinal));

        Assert.Equal(HeraldCloseCodes.LoginRefused, await client.ReceiveCloseAsync());
        Assert.Equal(reason, client.Socket.CloseStatusDescription);
        Assert.False(server.Hub.GetUser("mallory").Online);
        Assert.False(server.Hub.GetUser("ada").Online);
        await AssertStillReceivesAsync(server, innocent, "innocent");
    }

    [Fact]
    public async Task Handshake_AccessTokenQuery_LogsASeedConnectionInAtOnce()
    {
        await using var server = await StartWithTokensAsync();

        await using var client = await TestClient.ConnectAsync(new Uri($"{server.WebSocketUri}?access_token={Uri.EscapeDataString(Token("ada"))}"));

        await Eventually.TrueAsync(() => server.Hub.GetUser("ada").Online, "the query's token to log the connection in");
        await AssertStillReceivesAsync(server, client, "ada");
    }

    [Fact]
    public async Task Handshake_TokenSubprotocolBesideHeraldSeed_LogsInAndSelectsHeraldSeed()
    {
        await using var server = await StartWithTokensAsync();

        await using var client = await TestClient.ConnectAsync(server.WebSocketUri, options =>
        {
            options.AddSubProtocol("herald.seed");
            options.AddSubProtocol("herald.token." + Token("ada"));
        });

        Assert.Equal("herald.seed", client.Socket.SubProtocol);
        await Eventually.TrueAsync(() => server.Hub.GetUser("ada").Online, "the offered token to log the connection in");
        await AssertStillReceivesAsync(server, client, "ada");
    }

    [Fact]
    public async Task Handshake_InvalidTokenInTheQuery_ClosesWith4010BeforeAnyMessage()
    {
        await using var server = await StartWithTokensAsync();
        await using var client = await TestClient.ConnectAsync(new Uri($"{server.WebSocketUri}?access_token=forged.token.here"));

        Assert.Equal(HeraldCloseCodes.InvalidToken, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task HeraldV1_TokenInTheSubprotocol_LogsInWithALoginWithoutUid()
    {
        await using var server = await StartWithTokensAsync();
        await using var client = await V1Client.ConnectAsync(server, options => options.AddSubProtocol("herald.token." + Token("ada")));

        await client.SendAsync(new JsonObject { ["type"] = "login" });

        Assert.Equal("herald.v1", client.Raw.Socket.SubProtocol);
        var welcome = await client.ReceiveTypeAsync("welcome");
        Assert.Equal("ada", (string?)welcome["uid"]);
        Assert.NotNull((string?)welcome["expires_at"]);
    }

    [Fact]
    public async Task HeraldV1_Topics_GrantedByTheClaimOnly()
    {
        await using var server = await StartWithTokensAsync();
        await using var client = await V1LogInAsync(server, Token("ada", configure: t => t.Claims["topics"] = OrdersAndNews));

        await client.SendAsync(new JsonObject { ["type"] = "subscribe", ["topic"] = "orders:eu" });
        Assert.Equal("topic:orders:eu", (string?)(await client.ReceiveTypeAsync("joined"))["stream"]);
        await client.SendAsync(new JsonObject { ["type"] = "subscribe", ["topic"] = "payroll" });
        var refused = await client.ReceiveTypeAsync("error");

        Assert.Equal("topic_not_allowed", (string?)refused["code"]);
        Assert.Equal(0, (await server.Hub.PublishAsync(new HeraldPublication { Topics = ["payroll"], Text = "secret" }, TestContext.Current.CancellationToken)).Delivered);
    }

    [Fact]
    public async Task HeraldV1_RefreshWithAnotherUsersToken_ClosesWith4012AndAnInnocentUserKeepsReceiving()
    {
        await using var server = await StartWithTokensAsync();
        await using var innocent = await LogInAsync(server, "innocent");
        await using var client = await V1LogInAsync(server, Token("ada"));

        await client.SendAsync(new JsonObject { ["type"] = "refresh", ["token"] = Token("innocent") });

        Assert.Equal(HeraldCloseCodes.LoginRefused, await client.Raw.ReceiveCloseAsync());
        Assert.Equal("refreshed token is for another user", client.Raw.Socket.CloseStatusDescription);
        await AssertStillReceivesAsync(server, innocent, "innocent");
    }

    [Fact]
    public async Task HeraldV1_RefreshWithAForgedToken_IsAnErrorAndTheConnectionStays()
    {
        await using var server = await StartWithTokensAsync();
        await using var client = await V1LogInAsync(server, Token("ada"));

        await client.SendAsync(new JsonObject { ["type"] = "refresh", ["token"] = Token("ada", key: new SymmetricSecurityKey(TestTokens.Secret())) });
        var refused = await client.ReceiveTypeAsync("error");
        await client.SendAsync(new JsonObject { ["type"] = "refresh", ["token"] = Token("ada") });
        var refreshed = await client.ReceiveTypeAsync("refreshed");

        Assert.Equal("invalid_token", (string?)refused["code"]);
        Assert.NotNull((string?)refreshed["expires_at"]);
        Assert.Equal(1, await server.SendAsync("ada", "after the refresh"));
    }

    [Fact]
    public async Task HeraldV1_RefreshDroppingATopic_LeavesIt()
    {
        await using var server = await StartWithTokensAsync();
        await using var client = await V1LogInAsync(server, Token("ada", configure: t => t.Claims["topics"] = "orders news"));
        await client.SendAsync(new JsonObject { ["type"] = "subscribe", ["topic"] = "orders" });
        await client.ReceiveTypeAsync("joined");

        await client.SendAsync(new JsonObject { ["type"] = "refresh", ["token"] = Token("ada", configure: t => t.Claims["topics"] = "news") });

        Assert.Equal("topic:orders", (string?)(await client.ReceiveTypeAsync("left"))["stream"]);
        await client.ReceiveTypeAsync("refreshed");
        Assert.Equal(0, (await server.Hub.PublishAsync(new HeraldPublication { Topics = ["orders"], Text = "no longer yours" }, TestContext.Current.CancellationToken)).Delivered);
    }

    [Fact]
    public async Task Upgrade_ForeignOriginOnceTokensAreOn_Gets403()
    {
        await using var server = await StartWithTokensAsync();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", "https://evil.example");

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(server.WebSocketUri, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    [Fact]
    public async Task Expiry_SeedConnection_IsClosedWith4011AndAnotherUserKeepsReceiving()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await StartWithTokensAsync(clock);
        await using var longLived = await LogInAsync(server, "innocent", issuedAt: clock.GetUtcNow().AddHours(1).AddMinutes(-10));
        await using var client = await LogInAsync(server, "ada", issuedAt: clock.GetUtcNow());

        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(31));

        Assert.Equal(HeraldCloseCodes.TokenExpired, await client.ReceiveCloseAsync());
        Assert.True(server.Logs.Contains("CredentialExpired"));
        await AssertStillReceivesAsync(server, longLived, "innocent");
    }

    [Fact]
    public async Task Expiry_HeraldV1_IsToldBeforeThenClosedWithoutARefresh()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await StartWithTokensAsync(clock);
        await using var client = await V1LogInAsync(server, Token("ada", issuedAt: clock.GetUtcNow()));

        clock.Advance(TimeSpan.FromMinutes(9) + TimeSpan.FromSeconds(40));
        var notice = await client.ReceiveTypeAsync("token_expiring");
        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.NotNull((string?)notice["expires_at"]);
        Assert.Equal(HeraldCloseCodes.TokenExpired, await client.Raw.ReceiveCloseAsync());
    }

    private static string Token(string? subject, SecurityKey? key = null, Action<SecurityTokenDescriptor>? configure = null, DateTimeOffset? issuedAt = null) =>
        TestTokens.Mint(key ?? Key, SecurityAlgorithms.HmacSha256, descriptor =>
        {
            descriptor.Issuer = Issuer;
            descriptor.Audience = Audience;
            if (subject is null)
            {
                descriptor.Claims.Remove("sub");
            }
            else
            {
                descriptor.Claims["sub"] = subject;
            }

            configure?.Invoke(descriptor);
        }, issuedAt ?? DateTimeOffset.UtcNow);

    private static string Payload(string subject) =>
        $$"""{"sub":"{{subject}}","iss":"{{Issuer}}","aud":"{{Audience}}","exp":{{DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds()}}}""";

    private Task<HeraldTestServer> StartWithTokensAsync(TimeProvider? clock = null) => StartServerAsync(options =>
    {
        options.Tokens.SecretBase64 = Convert.ToBase64String(Secret);
        options.Tokens.Issuer = Issuer;
        options.Tokens.Audience = Audience;
        options.KeepAliveInterval = TimeSpan.Zero;
    }, clock);

    private static async Task<TestClient> LogInAsync(HeraldTestServer server, string subject, DateTimeOffset? issuedAt = null)
    {
        var client = await server.ConnectAsync();
        await client.SendTextAsync($$"""{"token":"{{Token(subject, issuedAt: issuedAt)}}"}""");
        await Eventually.TrueAsync(() => server.Hub.GetUser(subject).Online, $"{subject} to log in with a token");
        return client;
    }

    private static async Task<V1Client> V1LogInAsync(HeraldTestServer server, string token)
    {
        var client = await V1Client.ConnectAsync(server);
        await client.SendAsync(new JsonObject { ["type"] = "login", ["token"] = token });
        await client.ReceiveTypeAsync("welcome");
        await client.ReceiveTypeAsync("joined");
        await client.ReceiveTypeAsync("joined");
        return client;
    }

    private static async Task AssertStillReceivesAsync(HeraldTestServer server, TestClient client, string user)
    {
        Assert.Equal(1, await server.SendAsync(user, $"still here, {user}"));
        Assert.Equal($"still here, {user}", await client.ReceiveTextAsync());
    }
}

public sealed class TokenLoginTestsThroughAspNetCore() : TokenLoginTests(direct: false);

public sealed class TokenLoginTestsOnDirectPath() : TokenLoginTests(direct: true);
