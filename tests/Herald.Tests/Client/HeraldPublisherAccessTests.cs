using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Herald.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Publication = Herald.Client.HeraldPublication;

namespace Herald.Tests.Client;

/// <summary>
/// <see cref="HeraldPublisher"/> in front of an HTTP API that wants an API key (docs/client.md, "API keys"): the
/// key given the documented ways reaches the server, and the access-control refusals (401, 403, 429) become
/// <see cref="HeraldApiException"/> with the status, the problem and when to retry. The server is a real Kestrel
/// that answers as Herald's access control does.
/// </summary>
public sealed class HeraldPublisherAccessTests
{
    private const string Key = "hk_test_0123456789abcdef";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TypedClient_WithTheKeyAsBearer_IsLetIn()
    {
        await using var server = await StartAsync(KeyChecking);
        var services = new ServiceCollection();
        services.AddHttpClient<HeraldPublisher>(http =>
        {
            http.BaseAddress = server.BaseAddress;
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        });
        await using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<HeraldPublisher>().PublishAsync(Publication.Text("hi") with { Users = ["u1"] }, Cancellation);

        Assert.Equal("0193d5c2a4e87b6f9c0d1e2f3a4b5c6d", result.Id);
    }

    [Fact]
    public async Task PublishAsync_WithTheKeyAsXApiKey_IsLetIn()
    {
        await using var server = await StartAsync(KeyChecking);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Api-Key", Key);

        var result = await new HeraldPublisher(http).PublishAsync(Publication.Text("hi") with { Users = ["u1"] }, Cancellation);

        Assert.Equal(1, result.Delivered);
    }

    [Fact]
    public async Task PublishAsync_WithoutAKey_Throws401WithTheProblem()
    {
        await using var server = await StartAsync(KeyChecking);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var refusal = await Assert.ThrowsAsync<HeraldApiException>(() => new HeraldPublisher(http).PublishAsync(Publication.Text("hi") with { Users = ["u1"] }, Cancellation));

        Assert.Equal(HttpStatusCode.Unauthorized, refusal.StatusCode);
        Assert.Equal(("API key required", "Send the key as Authorization: Bearer <key> or X-Api-Key."), (refusal.Title, refusal.Message));
        Assert.Null(refusal.RetryAfter);
    }

    [Fact]
    public async Task GetStatsAsync_KeyWithoutTheScope_Throws403WithTheProblem()
    {
        await using var server = await StartAsync(context => Problem(context, StatusCodes.Status403Forbidden, "Scope not allowed", "The key 'orders' may publish; stats need an Admin key."));
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var refusal = await Assert.ThrowsAsync<HeraldApiException>(() => new HeraldPublisher(http).GetStatsAsync(Cancellation));

        Assert.Equal((HttpStatusCode.Forbidden, "Scope not allowed"), (refusal.StatusCode, refusal.Title));
        Assert.Equal("The key 'orders' may publish; stats need an Admin key.", refusal.Message);
    }

    [Fact]
    public async Task SendAsync_OverTheRateLimit_Throws429WithRetryAfter()
    {
        await using var server = await StartAsync(context =>
        {
            context.Response.Headers.RetryAfter = "3";
            return Problem(context, StatusCodes.Status429TooManyRequests, "Too many requests", "Over the rate limit; retry after 3 s.");
        });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var refusal = await Assert.ThrowsAsync<HeraldApiException>(() => new HeraldPublisher(http).SendAsync("u1", "hi", Cancellation));

        Assert.Equal((HttpStatusCode.TooManyRequests, "Too many requests", "Over the rate limit; retry after 3 s."), (refusal.StatusCode, refusal.Title, refusal.Message));
        Assert.Equal(TimeSpan.FromSeconds(3), refusal.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_NotAProblemWithARetryAfterDate_ReadsItAgainstTheAnswersDate()
    {
        var sent = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
        await using var server = await StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.Date = sent.ToString("R", CultureInfo.InvariantCulture);
            context.Response.Headers.RetryAfter = sent.AddSeconds(90).ToString("R", CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var refusal = await Assert.ThrowsAsync<HeraldApiException>(() => new HeraldPublisher(http).SendAsync("u1", "hi", Cancellation));

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "Herald answered 503 Service Unavailable."), (refusal.StatusCode, refusal.Message));
        Assert.Equal(TimeSpan.FromSeconds(90), refusal.RetryAfter);
    }

    // As Herald's access control: a request with the key (either header) gets a publish answer, any other a 401.
    private static Task KeyChecking(HttpContext context)
    {
        var bearer = AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out var header) && header.Scheme == "Bearer" ? header.Parameter : null;
        if (bearer != Key && context.Request.Headers["X-Api-Key"] != Key)
        {
            return Problem(context, StatusCodes.Status401Unauthorized, "API key required", "Send the key as Authorization: Bearer <key> or X-Api-Key.");
        }

        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync("""{"id":"0193d5c2a4e87b6f9c0d1e2f3a4b5c6d","delivered":1,"streams":[{"stream":"user:u1","epoch":"e","seq":1,"delivered":1}],"duplicate":false}""", context.RequestAborted);
    }

    private static Task Problem(HttpContext context, int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title).ExecuteAsync(context);

    private static async Task<AnsweringServer> StartAsync(RequestDelegate answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(answer);
        await app.StartAsync(Cancellation);
        return new AnsweringServer(app);
    }

    private sealed class AnsweringServer(WebApplication app) : IAsyncDisposable
    {
        public Uri BaseAddress { get; } = new(app.Urls.Single() + "/");

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }
}
