using System.Net;
using System.Net.WebSockets;
using System.Text;
using Herald.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Herald.Tests.Connections;

/// <summary>
/// wss:// and https:// on a real Kestrel with a certificate the test makes. Which path served an upgrade shows in
/// ASP.NET Core's own request log: the direct path takes it before ASP.NET Core sees a request.
/// </summary>
public sealed class TlsTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SeedLogin_OverWss_DeliversSendOverHttpsOnTheChosenPath(bool direct)
    {
        using var certificate = TestCertificate.Create();
        await using var server = await HeraldTestServer.StartAsync(direct: direct, tls: certificate);

        await using var client = await server.ConnectAsUserAsync("ada");
        Assert.Equal(1, await server.SendAsync("ada", "over tls"));

        Assert.Equal("over tls", await client.ReceiveTextAsync());
        Assert.Equal(Uri.UriSchemeHttps, server.BaseAddress.Scheme);
        Assert.Equal(direct ? 0 : 1, server.AspNetCoreRequestsTo("/ws"));
        Assert.Equal(1, server.AspNetCoreRequestsTo("/send"));

        // The direct path read the decrypted requests: it took the upgrade and declined only /send's connection.
        Assert.Equal(direct ? [": NotWebSocketUpgrade"] : [], DeclineReasons(server));
        Assert.False(server.Logs.Contains("DirectPathBeforeTls"));
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public async Task ConnectionOpened_EitherPath_SaysWhetherTheConnectionIsTls(bool direct, bool tls)
    {
        using var certificate = TestCertificate.Create();
        await using var server = await HeraldTestServer.StartAsync(direct: direct, tls: tls ? certificate : null);

        await using var client = await server.ConnectAsUserAsync("ada");

        var opened = Assert.Single(server.Logs.Entries, entry => entry.EventName == "ConnectionOpened");
        Assert.EndsWith(tls ? " over wss" : " over ws", opened.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListenOptions_DirectPathAfterUseHttps_ServesWssDirectly()
    {
        using var certificate = TestCertificate.Create();
        await using var server = await HeraldTestServer.StartAsync(tls: certificate, endpoints: web => web.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate.Certificate).UseHeraldDirectWebSockets())));

        await using var client = await server.ConnectAsUserAsync("ada");
        await server.Hub.SendToUserAsync("ada", "direct", Cancellation);

        Assert.Equal("direct", await client.ReceiveTextAsync());
        Assert.Equal(0, server.AspNetCoreRequestsTo("/ws"));
        Assert.False(server.Logs.Contains("DirectPathBeforeTls"));
    }

    [Fact]
    public async Task ListenOptions_DirectPathBeforeUseHttps_WarnsAndServesThroughAspNetCore()
    {
        using var certificate = TestCertificate.Create();
        await using var server = await HeraldTestServer.StartAsync(tls: certificate, endpoints: web => web.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHeraldDirectWebSockets().UseHttps(certificate.Certificate))));

        await using var client = await server.ConnectAsUserAsync("ada");
        await server.Hub.SendToUserAsync("ada", "through asp.net core", Cancellation);

        Assert.Equal("through asp.net core", await client.ReceiveTextAsync());
        Assert.Equal(1, server.AspNetCoreRequestsTo("/ws"));
        var warning = Assert.Single(server.Logs.Entries, entry => entry.EventName == "DirectPathBeforeTls");
        Assert.Contains("is off on https://127.0.0.1:", warning.Message, StringComparison.Ordinal);

        // Off means off: the path left before TLS adds nothing to a connection, not even a declined read.
        Assert.Empty(DeclineReasons(server));
    }

    [Fact]
    public async Task Http2_OverTlsOnDirectPathEndpoint_ServesTheApiAndExtendedConnectWebSockets()
    {
        using var certificate = TestCertificate.Create();
        await using var server = await HeraldTestServer.StartAsync(direct: true, tls: certificate);
        using var invoker = new HttpMessageInvoker(certificate.CreateHandler());
        using var socket = new ClientWebSocket();
        socket.Options.HttpVersion = HttpVersion.Version20;
        socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        socket.Options.CollectHttpResponseDetails = true;

        using var stats = await server.Http.SendAsync(
            new HttpRequestMessage(HttpMethod.Get, "/api/v1/stats") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact },
            Cancellation);
        await socket.ConnectAsync(server.WebSocketUri, invoker, Cancellation);
        await socket.SendAsync("""{"uid":"h2"}"""u8.ToArray(), WebSocketMessageType.Text, true, Cancellation);
        await Eventually.TrueAsync(() => server.Hub.GetUser("h2").Online, "the login over HTTP/2");
        await server.Hub.SendToUserAsync("h2", "over h2", Cancellation);
        var buffer = new byte[64];
        var received = await socket.ReceiveAsync(buffer, Cancellation);

        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        Assert.Equal(HttpVersion.Version20, stats.Version);
        Assert.Equal(HttpStatusCode.OK, socket.HttpStatusCode); // extended CONNECT's 200, where HTTP/1.1 answers 101
        Assert.Equal("over h2", Encoding.UTF8.GetString(buffer, 0, received.Count));
        Assert.Equal(1, server.AspNetCoreRequestsTo("/ws"));

        // Both HTTP/2 connections were handed on as soon as TLS had chosen h2, before a byte was read.
        Assert.Equal([": Http2", ": Http2"], DeclineReasons(server));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Stop_WssClientWithAQueuedMessage_ReceivesItThen1001(bool direct)
    {
        using var certificate = TestCertificate.Create();
        await using var server = await HeraldTestServer.StartAsync(direct: direct, tls: certificate);
        await using var client = await server.ConnectAsUserAsync("ada");
        Assert.Equal(1, await server.SendAsync("ada", "last words"));

        var close = ReceiveThenCloseAsync(client);
        await server.StopAsync();

        Assert.Equal(("last words", (int)WebSocketCloseStatus.EndpointUnavailable), await close);
        Assert.Equal(0, server.Hub.GetStats().Connections);
    }

    [Fact]
    public async Task PlaintextRequest_ToTlsPort_IsDroppedWithoutAnAnswerWhileAConnectedUserKeepsReceiving()
    {
        using var certificate = TestCertificate.Create();
        await using var server = await HeraldTestServer.StartAsync(direct: true, tls: certificate);
        await using var client = await server.ConnectAsUserAsync("ada");

        var answer = await RawHttp.ExchangeAsync(
            server.BaseAddress,
            $"GET /ws HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {RawWebSocketClient.NewKey()}\r\nSec-WebSocket-Version: 13\r\n\r\n");

        Assert.DoesNotContain("HTTP/", answer.Head, StringComparison.Ordinal);
        Assert.True(answer.Elapsed < RawHttp.DefaultTimeout, $"the plaintext connection was left open: {answer}");
        Assert.Equal(1, await server.SendAsync("ada", "still here"));
        Assert.Equal("still here", await client.ReceiveTextAsync());
        Assert.Equal(1, server.Hub.GetStats().ConnectionsOpened);
    }

    private static async Task<(string Text, int Close)> ReceiveThenCloseAsync(TestClient client) =>
        (await client.ReceiveTextAsync(), await client.ReceiveCloseAsync());

    private static string[] DeclineReasons(HeraldTestServer server) =>
        [.. server.Logs.Entries.Where(entry => entry.EventName == "UpgradeDeclined").Select(entry => entry.Message[entry.Message.LastIndexOf(':')..])];
}
