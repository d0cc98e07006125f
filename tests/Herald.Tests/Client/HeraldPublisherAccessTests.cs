using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Herald.Client;
using Herald.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Publication = Herald.Client.HeraldPublication;

namespace Herald.Tests.Client;

/// <summary>
/// <see cref="HeraldPublisher"/> against a real Herald with API keys (docs/client.md, "API keys"): the key given the
/// documented ways is let in, and the access-control refusals (401, 403, 429) become <see cref="HeraldApiException"/>
/// with the status, the problem and when to retry.
/// </summary>
public sealed class HeraldPublisherAccessTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TypedClient_WithTheKeyAsBearer_IsLetIn()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());
        await using var subscriber = await SubscriberProbe.StartAsync(server.WebSocketUri, "u1");
        var services = new ServiceCollection();
        services.AddHttpClient<HeraldPublisher>(http =>
        {
            http.BaseAddress = server.BaseAddress;
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestApiKeys.Backend);
        });
        await using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<HeraldPublisher>().PublishAsync(Publication.Text("hi") with { Users = ["u1"] }, Cancellation);

        Assert.Equal(1, result.Delivered);
        Assert.Equal(result.Id, (await subscriber.NextAsync()).Id);
    }

    [Fact]
    public async Task GetStatsAsync_AdminKeyAsXApiKey_IsLetIn()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Api-Key", TestApiKeys.Ops);

        var stats = await new HeraldPublisher(http).GetStatsAsync(Cancellation);

        Assert.Equal(0, stats.Connections);
    }

    [Fact]
    public async Task PublishAsync_WithoutAKey_Throws401WithTheProblem()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var refusal = await Assert.ThrowsAsync<HeraldApiException>(() => new HeraldPublisher(http).PublishAsync(Publication.Text("hi") with { Users = ["u1"] }, Cancellation));

        Assert.Equal((HttpStatusCode.Unauthorized, "API key required"), (refusal.StatusCode, refusal.Title));
        Assert.Equal("This call needs an API key: send it as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.", refusal.Message);
        Assert.Null(refusal.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_UnknownKey_Throws401InvalidApiKey()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "hk_not_a_configured_key");

        var refusal = await Assert.ThrowsAsync<HeraldApiException>(() => new HeraldPublisher(http).SendAsync("u1", "hi", Cancellation));

        Assert.Equal((HttpStatusCode.Unauthorized, "Invalid API key"), (refusal.StatusCode, refusal.Title));
        Assert.False(string.IsNullOrEmpty(refusal.Message));
    }

    [Fact]
    public async Task DisconnectUserAsync_PublishKey_Throws403ScopeNotAllowed()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());
        await using var subscriber = await SubscriberProbe.StartAsync(server.WebSocketUri, "u1");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestApiKeys.Backend);

        var refusal = await Assert.ThrowsAsync<HeraldApiException>(() => new HeraldPublisher(http).DisconnectUserAsync("u1", cancellationToken: Cancellation));

        Assert.Equal((HttpStatusCode.Forbidden, "Scope not allowed"), (refusal.StatusCode, refusal.Title));
        Assert.StartsWith("The API key 'backend' has the scope Publish", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(HeraldSubscriberStatus.Connected, subscriber.Subscriber.State.Status);
    }

    [Fact]
    public async Task SendAsync_OverTheRateLimit_Throws429WithRetryAfter()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings(("Herald:Api:RequestsPerSecond", "1"), ("Herald:Api:RequestBurst", "1")));
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestApiKeys.Backend);
        var publisher = new HeraldPublisher(http);

        // A burst of one: the second call within a second is refused; a few more in case this machine is slow.
        HeraldApiException? refused = null;
        for (var call = 0; call < 5 && refused is null; call++)
        {
            try
            {
                await publisher.SendAsync("u1", $"call {call}", Cancellation);
            }
            catch (HeraldApiException exception)
            {
                refused = exception;
            }
        }

        var refusal = Assert.IsType<HeraldApiException>(refused);
        Assert.Equal((HttpStatusCode.TooManyRequests, "Too many requests"), (refusal.StatusCode, refusal.Title));
        Assert.StartsWith("Over the rate limit of ", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(1), refusal.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_ProxysRetryAfterDate_IsReadAgainstTheAnswersDate()
    {
        // What a proxy in front of Herald may answer; Herald itself sends seconds.
        var sent = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var proxy = builder.Build();
        proxy.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.Date = sent.ToString("R", CultureInfo.InvariantCulture);
            context.Response.Headers.RetryAfter = sent.AddSeconds(90).ToString("R", CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        });
        await proxy.StartAsync(Cancellation);
        using var http = new HttpClient { BaseAddress = new Uri(proxy.Urls.Single() + "/") };

        var refusal = await Assert.ThrowsAsync<HeraldApiException>(() => new HeraldPublisher(http).SendAsync("u1", "hi", Cancellation));

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "Herald answered 503 Service Unavailable."), (refusal.StatusCode, refusal.Message));
        Assert.Equal(TimeSpan.FromSeconds(90), refusal.RetryAfter);
    }
}
