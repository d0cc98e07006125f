using System.Net;
using System.Text.Json;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Auth;

/// <summary>API keys on a real server: who gets in, who gets which refusal, and what the log says about it.</summary>
public sealed class ApiKeyAuthenticationTests
{
    private const string SendPath = "/send?uid=123&message=hi";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Send_NoKey_Returns401ProblemWithBearerChallenge()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());

        using var response = await server.Http.GetAsync(SendPath, Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"Herald\"", Assert.Single(response.Headers.WwwAuthenticate).ToString());
        var problem = await ProblemAsync(response);
        Assert.Equal("API key required", problem.GetProperty("title").GetString());
        Assert.Equal("This call needs an API key: send it as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.", problem.GetProperty("detail").GetString());
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);
    }

    [Fact]
    public async Task Send_WrongKey_Returns401InvalidKey()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());

        using var response = await server.Http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, SendPath, TestApiKeys.Backend + "x"), Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer realm=\"Herald\", error=\"invalid_token\"", Assert.Single(response.Headers.WwwAuthenticate).ToString());
        var problem = await ProblemAsync(response);
        Assert.Equal("Invalid API key", problem.GetProperty("title").GetString());
        Assert.Equal("The API key is not one of this server's keys: it is wrong, or it was revoked.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Send_KeyAsBearerOrXApiKey_Publishes()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());
        await using var client = await server.ConnectAsUserAsync("123");

        using var bearer = await server.Http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, "/send?uid=123&message=one", TestApiKeys.Backend), Cancellation);
        using var header = await server.Http.SendAsync(TestApiKeys.ApiKeyHeader(HttpMethod.Get, "/send?uid=123&message=two", TestApiKeys.Backend), Cancellation);

        Assert.Equal(1, await SendResponses.ReadDeliveredAsync(bearer));
        Assert.Equal(1, await SendResponses.ReadDeliveredAsync(header));
        Assert.Equal("one", await client.ReceiveTextAsync());
        Assert.Equal("two", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Send_BearerSchemeInLowerCase_IsAccepted()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());
        using var request = new HttpRequestMessage(HttpMethod.Get, SendPath);
        request.Headers.TryAddWithoutValidation("Authorization", "bearer " + TestApiKeys.Backend);

        using var response = await server.Http.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Send_AuthorizationOfAnotherScheme_Returns401NamingIt()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());
        using var request = new HttpRequestMessage(HttpMethod.Get, SendPath);
        request.Headers.TryAddWithoutValidation("Authorization", "Basic " + TestApiKeys.Backend);

        using var response = await server.Http.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.EndsWith("The Authorization header's scheme is 'Basic', and Herald reads only Bearer.", (await ProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_BothHeadersWithDifferentKeys_Returns401()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());
        using var request = TestApiKeys.Bearer(HttpMethod.Get, SendPath, TestApiKeys.Backend);
        request.Headers.Add("X-Api-Key", TestApiKeys.Ops);

        using var response = await server.Http.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Authorization and X-Api-Key carry different keys: send one.", (await ProblemAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Send_EmptyBearer_Returns401()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());
        using var request = new HttpRequestMessage(HttpMethod.Get, SendPath);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer");

        using var response = await server.Http.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("The API key is empty.", (await ProblemAsync(response)).GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("/api/v1/stats", "GET")]
    [InlineData("/api/v1/users/123", "GET")]
    [InlineData("/api/v1/users/123/disconnect", "POST")]
    public async Task AdminCalls_PublishKey_Returns403NamingTheScope(string path, string method)
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());

        using var response = await server.Http.SendAsync(TestApiKeys.Bearer(new HttpMethod(method), path, TestApiKeys.Backend), Cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.Equal("Scope not allowed", problem.GetProperty("title").GetString());
        Assert.Equal(
            $"The API key 'backend' has the scope Publish, which does not allow {method} {path}: stats, user presence, disconnect and metrics need a key with the scope Admin.",
            problem.GetProperty("detail").GetString());
        Assert.Contains(server.Logs.Entries, entry => entry.EventName == "ApiScopeRefused" && entry.Message.Contains("key 'backend' has the scope Publish", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AdminKey_EveryCall_IsAllowed()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());
        await using var client = await server.ConnectAsUserAsync("123");

        using var send = await server.Http.SendAsync(TestApiKeys.ApiKeyHeader(HttpMethod.Get, SendPath, TestApiKeys.Ops), Cancellation);
        using var stats = await server.Http.SendAsync(TestApiKeys.ApiKeyHeader(HttpMethod.Get, "/api/v1/stats", TestApiKeys.Ops), Cancellation);
        using var user = await server.Http.SendAsync(TestApiKeys.ApiKeyHeader(HttpMethod.Get, "/api/v1/users/123", TestApiKeys.Ops), Cancellation);
        using var disconnect = await server.Http.SendAsync(TestApiKeys.ApiKeyHeader(HttpMethod.Post, "/api/v1/users/123/disconnect", TestApiKeys.Ops), Cancellation);

        Assert.Equal(1, await SendResponses.ReadDeliveredAsync(send));
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        Assert.StartsWith("""{"uid":"123","online":true,"connections":1,"connectionDetails":[{""", await user.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal("""{"disconnected":1}""", await disconnect.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task PublishCalls_PublishKey_AreAllowed()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());
        using var publish = TestApiKeys.Bearer(HttpMethod.Post, "/api/v1/publish", TestApiKeys.Backend);
        publish.Content = new StringContent("""{"users":["123"],"data":"x"}""", System.Text.Encoding.UTF8, "application/json");
        using var batch = TestApiKeys.Bearer(HttpMethod.Post, "/api/v1/publish/batch", TestApiKeys.Backend);
        batch.Content = new StringContent("""{"messages":[{"users":["123"],"data":"y"}]}""", System.Text.Encoding.UTF8, "application/json");

        using var published = await server.Http.SendAsync(publish, Cancellation);
        using var batched = await server.Http.SendAsync(batch, Cancellation);

        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal(HttpStatusCode.OK, batched.StatusCode);
        Assert.Equal(2, server.Hub.GetStats().MessagesPublished);
    }

    [Fact]
    public async Task Send_KeysConfiguredAndNoKeyFromLoopback_Returns401()
    {
        // The test server is on 127.0.0.1: with keys configured, loopback is no exemption.
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());

        using var stats = await server.Http.GetAsync("/api/v1/stats", Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, stats.StatusCode);
    }

    [Fact]
    public async Task Send_RevokedKey_Returns401OnceRemovedAndRestarted()
    {
        var both = TestApiKeys.Settings(("Herald:Api:Keys:old:Hash", TestApiKeys.HashOf("hk_old_4a1f")));
        await using (var before = await HeraldTestServer.StartAsync(settings: both))
        {
            using var accepted = await before.Http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, SendPath, "hk_old_4a1f"), Cancellation);
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        await using var after = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());

        using var revoked = await after.Http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, SendPath, "hk_old_4a1f"), Cancellation);
        using var kept = await after.Http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, SendPath, TestApiKeys.Backend), Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
    }

    [Fact]
    public async Task Requests_WithKeys_LogTheKeyNameAndNeverTheKey()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());

        using var accepted = await server.Http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, SendPath, TestApiKeys.Backend), Cancellation);
        using var forbidden = await server.Http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, "/api/v1/stats", TestApiKeys.Backend), Cancellation);
        using var unknown = await server.Http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, SendPath, TestApiKeys.Ops + "-typo"), Cancellation);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized), (accepted.StatusCode, forbidden.StatusCode, unknown.StatusCode));
        var access = server.Logs.Entries.Where(entry => entry.Category == "Herald.Auth.ApiAccess").ToList();
        Assert.Contains(access, entry => entry.EventName == "ApiRequestAccepted" && entry.Message == "API request GET /send accepted for key 'backend'");
        Assert.Contains(access, entry => entry.EventName == "ApiKeyRefused" && entry.Message.StartsWith("API request GET /send from 127.0.0.1 refused with 401: The API key is not one", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.Message.Contains("hk_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refusals_ManyFromOneCaller_AreLoggedTenTimes()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());

        for (var i = 0; i < 25; i++)
        {
            using var response = await server.Http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, SendPath, "hk_revoked"), Cancellation);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // A backend retrying with a revoked key gets at most 10 lines a minute.
        Assert.Equal(10, server.Logs.Entries.Count(entry => entry.EventName == "ApiKeyRefused"));
    }

    [Fact]
    public async Task Refusal_PathWithLineBreak_IsLoggedEscaped()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());

        using var response = await server.Http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, "/api/v1/users/a%0D%0Ainfo:%20forged", TestApiKeys.Backend), Cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var entry = Assert.Single(server.Logs.Entries, entry => entry.EventName == "ApiScopeRefused");
        Assert.StartsWith(@"API request GET /api/v1/users/a\u000D\u000Ainfo: forged refused with 403", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebSocket_KeysConfigured_NeedsNoApiKey()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());

        await using var client = await server.ConnectAsUserAsync("123");

        Assert.True(server.Hub.GetUser("123").Online);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        return json.RootElement.Clone();
    }
}
