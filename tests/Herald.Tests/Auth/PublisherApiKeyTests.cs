using System.Net;
using System.Net.Http.Headers;
using Herald.Client;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Auth;

/// <summary>The .NET client against a server with API keys: the key goes on its HttpClient, a refusal comes back as HeraldApiException.</summary>
public sealed class PublisherApiKeyTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SendAsync_KeyOnTheHttpClient_Publishes()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());
        await using var client = await server.ConnectAsUserAsync("123");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestApiKeys.Backend);
        var publisher = new HeraldPublisher(http);

        Assert.Equal(1, await publisher.SendAsync("123", "with a key", Cancellation));
        Assert.Equal("with a key", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task GetStatsAsync_PublishKey_ThrowsWithTheServersExplanation()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestApiKeys.Backend);
        var publisher = new HeraldPublisher(http);

        var refusal = await Assert.ThrowsAsync<HeraldApiException>(() => publisher.GetStatsAsync(Cancellation));

        Assert.Equal(HttpStatusCode.Forbidden, refusal.StatusCode);
        Assert.Equal("Scope not allowed", refusal.Title);
        Assert.StartsWith("The API key 'backend' has the scope Publish", refusal.Message, StringComparison.Ordinal);
    }
}
