using Herald.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Tests.Hosting;

public sealed class EmbeddingTests
{
    [Fact]
    public async Task MapHerald_WithPrefixInsideAnApp_ServesUnderPrefixBesideTheAppsOwnEndpoints()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddHerald(o => o.LoginTimeout = TimeSpan.FromSeconds(30));
        await using var app = builder.Build();
        app.MapGet("/orders/{id}", async (string id, IHeraldHub hub) =>
            Results.Ok(await hub.SendToUserAsync("admin", $"order {id} shipped")));
        app.MapHerald("/push");
        await app.StartAsync(TestContext.Current.CancellationToken);
        var baseUri = new Uri(app.Urls.Single());
        using var http = new HttpClient { BaseAddress = baseUri };
        await using var admin = await TestClient.ConnectAsync(new Uri($"ws://{baseUri.Authority}/push/ws"));
        await admin.SendTextAsync("""{"uid":"admin"}""");
        var hub = app.Services.GetRequiredService<IHeraldHub>();
        await Eventually.TrueAsync(() => hub.GetUser("admin").Online, "the admin to log in");

        Assert.Equal("1", await http.GetStringAsync("/orders/42", TestContext.Current.CancellationToken));
        Assert.Equal("order 42 shipped", await admin.ReceiveTextAsync());
        using var viaPrefix = await http.GetAsync("/push/send?uid=admin&message=direct", TestContext.Current.CancellationToken);
        Assert.Equal(1, await SendResponses.ReadDeliveredAsync(viaPrefix));
        Assert.Equal("direct", await admin.ReceiveTextAsync());
        using var withoutPrefix = await http.GetAsync("/send?uid=admin&message=x", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, withoutPrefix.StatusCode);
    }

    [Fact]
    public void MapHerald_WithoutAddHerald_ThrowsExplainingTheFix()
    {
        var app = WebApplication.CreateSlimBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapHerald());

        Assert.Contains("AddHerald()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendToUserAsync_InvalidArguments_ThrowsNamingTheParameter()
    {
        await using var server = await HeraldTestServer.StartAsync();

        var uid = await Assert.ThrowsAsync<ArgumentException>(async () => await server.Hub.SendToUserAsync("", "m", TestContext.Current.CancellationToken));
        var message = await Assert.ThrowsAsync<ArgumentException>(async () => await server.Hub.SendToUserAsync("u", "", TestContext.Current.CancellationToken));

        Assert.Equal("userId", uid.ParamName);
        Assert.Equal("message", message.ParamName);
        Assert.Throws<ArgumentException>(() => server.Hub.GetUser(new string('u', 500)));
    }
}
