using System.Net;
using Herald.Client;
using Herald.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Tests.Client;

/// <summary>The business system's side: <see cref="HeraldPublisher"/> against a real server.</summary>
public sealed class HeraldPublisherTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SendAsync_UserWithTwoConnections_DeliversToBothAndReturnsTheCount()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var tab1 = await server.ConnectAsUserAsync("订单/42");
        await using var tab2 = await server.ConnectAsUserAsync("订单/42");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var publisher = new HeraldPublisher(http);

        Assert.Equal(2, await publisher.SendAsync("订单/42", "shipped ✓", Cancellation));

        Assert.Equal("shipped ✓", await tab1.ReceiveTextAsync());
        Assert.Equal("shipped ✓", await tab2.ReceiveTextAsync());
        Assert.Equal(0, await publisher.SendAsync("offline", "nobody there", Cancellation));
    }

    [Fact]
    public async Task SendAsync_RefusedByTheServer_ThrowsWithItsMessageAndTheParameter()
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.MaxUserIdLength = 8);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var publisher = new HeraldPublisher(http);

        var refusal = await Assert.ThrowsAsync<HeraldApiException>(() => publisher.SendAsync("123456789", "hi", Cancellation));

        Assert.Equal(HttpStatusCode.BadRequest, refusal.StatusCode);
        Assert.Equal("uid must be at most 8 characters (was 9)", refusal.Message);
        Assert.Equal("Invalid parameter 'uid'", refusal.Title);
        Assert.Equal(["uid must be at most 8 characters (was 9)"], refusal.Errors["uid"]);
    }

    [Fact]
    public async Task GetUserAsyncAndGetStatsAsync_ReportWhatTheHubKnows()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("tenant/a b");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var publisher = new HeraldPublisher(http);

        var presence = await publisher.GetUserAsync("tenant/a b", Cancellation);
        var stats = await publisher.GetStatsAsync(Cancellation);

        Assert.Equal(new HeraldUserPresence("tenant/a b", true, 1), presence);
        Assert.Equal(1, stats.Connections);
        Assert.Equal(1, stats.Users);
        Assert.True(stats.StartedAt <= DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task DisconnectUserAsync_WithReason_ClosesTheUsersConnectionsWith4004()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("leaving");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var publisher = new HeraldPublisher(http);

        Assert.Equal(1, await publisher.DisconnectUserAsync("leaving", "logged out", Cancellation));

        Assert.Equal(HeraldCloseCodes.Disconnected, await client.ReceiveCloseAsync());
        Assert.Equal("logged out", client.Socket.CloseStatusDescription);
    }

    [Fact]
    public async Task TypedClient_UnderAMapHeraldPrefix_ReachesTheServer()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddHerald();
        await using var app = builder.Build();
        app.MapHerald("/push");
        await app.StartAsync(Cancellation);
        var services = new ServiceCollection();
        services.AddHttpClient<HeraldPublisher>(http => http.BaseAddress = new Uri($"{app.Urls.Single()}/push/"));
        await using var provider = services.BuildServiceProvider();
        var publisher = provider.GetRequiredService<HeraldPublisher>();

        var stats = await publisher.GetStatsAsync(Cancellation);

        Assert.Equal(0, stats.Connections);
        Assert.Equal(0, await publisher.SendAsync("someone", "hello", Cancellation));
    }

    [Fact]
    public async Task SendAsync_NotAHeraldServer_ThrowsNamingTheStatus()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        await app.StartAsync(Cancellation);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        var refusal = await Assert.ThrowsAsync<HeraldApiException>(() => new HeraldPublisher(http).SendAsync("u", "m", Cancellation));

        Assert.Equal(HttpStatusCode.NotFound, refusal.StatusCode);
        Assert.Equal("Herald answered 404 Not Found.", refusal.Message);
    }

    [Fact]
    public void Constructor_HttpClientWithoutBaseAddress_ExplainsWhatIsMissing()
    {
        using var http = new HttpClient();

        var error = Assert.Throws<ArgumentException>(() => new HeraldPublisher(http));

        Assert.Contains("BaseAddress", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_CancelledToken_IsCancelled()
    {
        await using var server = await HeraldTestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new HeraldPublisher(http).SendAsync("u", "m", cancelled.Token));
    }
}
