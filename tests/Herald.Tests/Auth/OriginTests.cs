using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Auth;

/// <summary>The origin allow-list (cross-site WebSocket hijacking), the same on both WebSocket paths.</summary>
public abstract class OriginTests(bool direct) : BothWebSocketPaths(direct)
{
    private static void ListApp(HeraldOptions options) => options.AllowedOrigins = ["https://app.example.com", "https://*.example.org"];

    [Theory]
    [InlineData("https://evil.example.net")]
    [InlineData("http://app.example.com")]
    [InlineData("https://app.example.com:8443")]
    [InlineData("https://example.org")]
    [InlineData("https://app.example.com.evil.net")]
    [InlineData("null")]
    public async Task Upgrade_ForeignOrigin_Gets403AndAnInnocentUserKeepsReceiving(string origin)
    {
        await using var server = await StartServerAsync(ListApp);
        await using var innocent = await server.ConnectAsUserAsync("innocent");

        var (status, body) = await UpgradeAsync(server, origin);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("Origin not allowed", JsonNode.Parse(body)!["title"]!.GetValue<string>());
        Assert.Contains($"origin '{origin}'", JsonNode.Parse(body)!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, await server.SendAsync("innocent", "still here"));
        Assert.Equal("still here", await innocent.ReceiveTextAsync());
    }

    [Theory]
    [InlineData("https://app.example.com")]
    [InlineData("HTTPS://APP.example.com:443")]
    [InlineData("https://eu.example.org")]
    [InlineData("https://a.b.example.org")]
    public async Task Upgrade_ListedOrigin_IsAccepted(string origin)
    {
        await using var server = await StartServerAsync(ListApp);
        await using var client = await TestClient.ConnectAsync(server.WebSocketUri, options => options.SetRequestHeader("Origin", origin));

        await client.SendTextAsync("""{"uid":"listed"}""");

        await Eventually.TrueAsync(() => server.Hub.GetUser("listed").Online, "the login from a listed origin");
    }

    [Fact]
    public async Task Upgrade_SameOriginAsHost_IsAccepted()
    {
        await using var server = await StartServerAsync(ListApp);
        await using var client = await TestClient.ConnectAsync(
            server.WebSocketUri, options => options.SetRequestHeader("Origin", $"http://{server.BaseAddress.Authority}"));

        await client.SendTextAsync("""{"uid":"same"}""");

        await Eventually.TrueAsync(() => server.Hub.GetUser("same").Online, "the login from the server's own origin");
    }

    [Fact]
    public async Task Upgrade_WithoutOrigin_IsAcceptedAsANonBrowserClient()
    {
        await using var server = await StartServerAsync(ListApp);

        await using var client = await server.ConnectAsUserAsync("backend-tool");

        Assert.True(server.Hub.GetUser("backend-tool").Online);
    }

    [Fact]
    public async Task Upgrade_ForeignOriginOnAnOpenServer_IsAccepted()
    {
        // No list and no authentication: the open demo, which any page may use (the start-up report says so).
        await using var server = await StartServerAsync();
        await using var client = await TestClient.ConnectAsync(server.WebSocketUri, options => options.SetRequestHeader("Origin", "https://anywhere.example"));

        await client.SendTextAsync("""{"uid":"demo"}""");

        await Eventually.TrueAsync(() => server.Hub.GetUser("demo").Online, "the demo login from any origin");
    }

    [Fact]
    public async Task Upgrade_AnyOriginListed_AcceptsEveryOrigin()
    {
        await using var server = await StartServerAsync(options => options.AllowedOrigins = ["*"]);
        await using var client = await TestClient.ConnectAsync(server.WebSocketUri, options => options.SetRequestHeader("Origin", "https://anywhere.example"));

        await client.SendTextAsync("""{"uid":"any"}""");

        await Eventually.TrueAsync(() => server.Hub.GetUser("any").Online, "the login with * listed");
    }

    private static async Task<(HttpStatusCode Status, string Body)> UpgradeAsync(HeraldTestServer server, string origin)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", origin);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(server.WebSocketUri, TestContext.Current.CancellationToken));

        // The client does not keep a refused upgrade's body: ask again over HTTP for the problem details.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ws");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Connection", "Upgrade");
        request.Headers.Add("Upgrade", "websocket");
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        using var response = await server.Http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(socket.HttpStatusCode, response.StatusCode);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}

public sealed class OriginTestsThroughAspNetCore() : OriginTests(direct: false);

public sealed class OriginTestsOnDirectPath() : OriginTests(direct: true);
