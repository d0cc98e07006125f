using System.Net;
using System.Text.Json;
using Herald.Client;
using Herald.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Publication = Herald.Client.HeraldPublication;

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

        Assert.Equal(("tenant/a b", true, 1), (presence.Uid, presence.Online, presence.Connections));
        var connection = Assert.Single(presence.ConnectionDetails);
        Assert.Equal(("seed", 0, null), (connection.Flavour, connection.QueuedMessages, connection.Topics));
        Assert.Null(presence.Nodes);
        Assert.Equal(1, stats.Connections);
        Assert.Equal(1, stats.Users);
        Assert.True(stats.StartedAt <= DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task GetStatsAsync_EveryFieldOfTheStatsAnswer_IsReadIntoHeraldHubStats()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await server.PublishAsync("""{"topics":["t"],"data":"x","key":"k","idempotencyKey":"i"}""");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var stats = await new HeraldPublisher(http).GetStatsAsync(Cancellation);
        using var answer = JsonDocument.Parse(await http.GetStringAsync("/api/v1/stats", Cancellation));

        var fields = answer.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
        // node and nodes come from a cluster only (ClusterPresenceTests reads them through the client).
        var properties = typeof(HeraldHubStats).GetProperties().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))
            .Except(["node", "nodes"]).Order(StringComparer.Ordinal);
        Assert.Equal(fields, properties);
        Assert.Null(stats.Nodes);
        Assert.Equal((1, 1, 1L), (stats.HistoryStreams, stats.HistoryMessages, stats.MessagesPublished));
        Assert.Equal(1, stats.IdempotencyKeys);
        Assert.True(stats.HistoryBytes > 0 && stats.IdempotencyBytes > 0, $"{stats.HistoryBytes}, {stats.IdempotencyBytes}");
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
    public async Task PublishAsync_UsersTopicsAndBroadcast_AnswersEachStreamInOrder()
    {
        await using var server = await HeraldTestServer.StartAsync();
        var publisher = new HeraldPublisher(server.Http);
        using var data = JsonDocument.Parse("""{"order":1042,"status":"paid"}""");

        var result = await publisher.PublishAsync(new Publication(data.RootElement) { Users = ["1", "2"], Topics = ["orders"], Broadcast = true }, Cancellation);

        Assert.Matches("^[0-9a-f]{32}$", result.Id);
        Assert.Equal(["user:1", "user:2", "topic:orders", "broadcast"], result.Streams.Select(s => s.Stream));
        Assert.All(result.Streams, s => Assert.Equal((1L, 0), (s.Seq, s.Delivered)));
        Assert.Equal(0, result.Delivered);
    }

    [Fact]
    public async Task PublishAsync_TypedData_IsSerializedWithItsTypeInfo()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("7");

        await new HeraldPublisher(server.Http).PublishAsync(
            Publication.Json(new Dictionary<string, int> { ["progress"] = 40 }, PublisherTestJson.Default.DictionaryStringInt32) with { Users = ["7"] },
            Cancellation);

        Assert.Equal("""{"progress":40}""", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task PublishAsync_RetriedWithTheSameIdempotencyKey_AnswersTheOriginalAsADuplicate()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("7");
        var publisher = new HeraldPublisher(server.Http);
        var publication = Publication.Text("paid") with { Users = ["7"], IdempotencyKey = "order-42-paid" };

        var first = await publisher.PublishAsync(publication, Cancellation);
        var retry = await publisher.PublishAsync(publication, Cancellation);

        Assert.False(first.Duplicate);
        Assert.True(retry.Duplicate);
        Assert.Equal(first.Id, retry.Id);
        Assert.Equal(first.Streams, retry.Streams);
        Assert.Equal("paid", await client.ReceiveTextAsync());
        await client.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task PublishAsync_IdempotencyKeyReusedForAnotherMessage_Throws422()
    {
        await using var server = await HeraldTestServer.StartAsync();
        var publisher = new HeraldPublisher(server.Http);
        await publisher.PublishAsync(Publication.Text("paid") with { Users = ["7"], IdempotencyKey = "k" }, Cancellation);

        var refusal = await Assert.ThrowsAsync<HeraldApiException>(
            () => publisher.PublishAsync(Publication.Text("refunded") with { Users = ["7"], IdempotencyKey = "k" }, Cancellation));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refusal.StatusCode);
        Assert.Equal("Idempotency key reused", refusal.Title);
    }

    [Fact]
    public async Task PublishAsync_NoTarget_ThrowsWithTheServersMessage()
    {
        await using var server = await HeraldTestServer.StartAsync();

        var refusal = await Assert.ThrowsAsync<HeraldApiException>(
            () => new HeraldPublisher(server.Http).PublishAsync(Publication.Text("to nobody"), Cancellation));

        Assert.Equal(HttpStatusCode.BadRequest, refusal.StatusCode);
        Assert.Equal("Invalid publish request", refusal.Title);
        Assert.False(string.IsNullOrEmpty(refusal.Message));
    }

    [Fact]
    public async Task PublishBatchAsync_OneInvalidItem_RefusesOnlyThatItem()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("1");
        var publisher = new HeraldPublisher(server.Http);

        var results = await publisher.PublishBatchAsync(
            [
                Publication.Text("first") with { Users = ["1"] },
                Publication.Text("x") with { Topics = ["bad topic!"] },
                Publication.Text("second") with { Users = ["1"] },
            ],
            Cancellation);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.OK], results.Select(r => r.Status));
        Assert.True(results[0].Succeeded);
        Assert.Equal((1L, 1), (results[0].Result!.Streams[0].Seq, results[0].Result!.Delivered));
        Assert.False(results[1].Succeeded);
        Assert.Contains("bad topic!", results[1].Error, StringComparison.Ordinal);
        Assert.Equal(2L, results[2].Result!.Streams[0].Seq);
        Assert.Equal("first", await client.ReceiveTextAsync());
        Assert.Equal("second", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task PublishBatchAsync_Empty_SendsNothing()
    {
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9/") };

        Assert.Empty(await new HeraldPublisher(http).PublishBatchAsync([], Cancellation));
    }

    [Fact]
    public async Task PublishBatchAsync_TooManyItems_ThrowsAndPublishesNothing()
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.MaxBatchMessages = 1);
        var publisher = new HeraldPublisher(server.Http);

        var refusal = await Assert.ThrowsAsync<HeraldApiException>(() => publisher.PublishBatchAsync(
            [Publication.Text("a") with { Users = ["1"] }, Publication.Text("b") with { Users = ["1"] }], Cancellation));

        Assert.Equal(HttpStatusCode.BadRequest, refusal.StatusCode);
        Assert.Equal(0, (await publisher.GetStatsAsync(Cancellation)).MessagesPublished);
    }

    [Fact]
    public void Publication_DefaultJsonElement_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new Publication(default));

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
