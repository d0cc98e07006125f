using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Herald.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.Connections;

/// <summary>What is particular to the direct Kestrel path; the shared behaviour runs in every *OnDirectPath class.</summary>
public sealed class DirectPathTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Upgrade_OnDirectPath_BypassesTheHttpPipelineWhileTheApiStillUsesIt()
    {
        var requestsSeen = 0;
        var builder = WebApplication.CreateSlimBuilder();

        // An app of its own, not the standalone host, whose appsettings.json lies beside the tests.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls("http://127.0.0.1:0").UseHeraldDirectWebSockets();
        builder.Services.AddHerald();
        await using var app = builder.Build();
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref requestsSeen);
            return next(context);
        });
        app.MapHerald();
        await app.StartAsync(Cancellation);
        var baseUri = new Uri(app.Urls.Single());
        var hub = app.Services.GetRequiredService<IHeraldHub>();

        await using var client = await TestClient.ConnectAsync(new Uri($"ws://{baseUri.Authority}/ws"));
        await client.SendTextAsync("""{"uid":"direct"}""");
        await Eventually.TrueAsync(() => hub.GetUser("direct").Online, "the login");
        Assert.Equal(0, Volatile.Read(ref requestsSeen));

        using var http = new HttpClient { BaseAddress = baseUri };
        using var response = await http.GetAsync("/send?uid=direct&message=via%20api", Cancellation);
        Assert.Equal(1, await SendResponses.ReadDeliveredAsync(response));
        Assert.Equal("via api", await client.ReceiveTextAsync());
        Assert.Equal(1, Volatile.Read(ref requestsSeen));
    }

    [Fact]
    public async Task Upgrade_HeadInSingleBytesWithFirstFrameInTheSameWrite_LogsIn()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port, Cancellation);
        var stream = tcp.GetStream();
        var head = Encoding.ASCII.GetBytes(
            $"GET /ws?client=raw HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n" +
            $"Sec-WebSocket-Key: {RawWebSocketClient.NewKey()}\r\nSec-WebSocket-Version: 13\r\n\r\n");

        foreach (var b in head[..^1])
        {
            await stream.WriteAsync(new[] { b }, Cancellation);
        }

        byte[] lastByteAndFirstFrame = [head[^1], .. RawWebSocketClient.Frame(0x81, """{"uid":"pipelined"}"""u8.ToArray())];
        await stream.WriteAsync(lastByteAndFirstFrame, Cancellation);

        await Eventually.TrueAsync(() => server.Hub.GetUser("pipelined").Online, "the login sent with the end of the head");
        var response = new byte[12];
        await stream.ReadExactlyAsync(response, Cancellation);
        Assert.Equal("HTTP/1.1 101", Encoding.ASCII.GetString(response));
    }

    [Fact]
    public async Task Upgrade_HeadNeverCompleted_IsDroppedAfterKestrelsRequestHeadersTimeout()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0").UseHeraldDirectWebSockets()
            .ConfigureKestrel(kestrel => kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromMilliseconds(300));
        builder.Services.AddHerald();
        await using var app = builder.Build();
        app.MapHerald();
        await app.StartAsync(Cancellation);
        var baseUri = new Uri(app.Urls.Single());
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseUri.Host, baseUri.Port, Cancellation);
        var stream = tcp.GetStream();

        await stream.WriteAsync("GET /ws HTTP/1.1\r\nHost: slow\r\n"u8.ToArray(), Cancellation);

        var read = await ReadOrResetAsync(stream);
        Assert.Equal(0, read);
        Assert.Equal(0, app.Services.GetRequiredService<IHeraldHub>().GetStats().ConnectionsOpened);
    }

    [Fact]
    public async Task Request_HttpBeforeUpgradeOnOneConnection_BothAnswered()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port, Cancellation);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /api/v1/stats HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\n\r\n"), Cancellation);
        var first = await ReadUntilAsync(stream, "\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", first, StringComparison.Ordinal);
        Assert.Contains("Transfer-Encoding: chunked", first, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"connections\":0", await ReadUntilAsync(stream, "\r\n0\r\n\r\n"), StringComparison.Ordinal);

        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET /ws HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {RawWebSocketClient.NewKey()}\r\nSec-WebSocket-Version: 13\r\n\r\n"), Cancellation);

        Assert.StartsWith("HTTP/1.1 101", await ReadUntilAsync(stream, "\r\n\r\n"), StringComparison.Ordinal);
        await stream.WriteAsync(RawWebSocketClient.Frame(0x81, """{"uid":"second-request"}"""u8.ToArray()), Cancellation);
        await Eventually.TrueAsync(() => server.Hub.GetUser("second-request").Online, "the login on the reused connection");
    }

    [Fact]
    public async Task Upgrade_WithABody_IsLeftToAspNetCore()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port, Cancellation);
        var stream = tcp.GetStream();

        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET /ws HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {RawWebSocketClient.NewKey()}\r\nSec-WebSocket-Version: 13\r\nContent-Length: 4\r\n\r\nbody"), Cancellation);

        Assert.DoesNotContain("101", (await ReadUntilAsync(stream, "\r\n\r\n")).Split("\r\n")[0], StringComparison.Ordinal);
        Assert.Equal(0, server.Hub.GetStats().ConnectionsOpened);
    }

    [Fact]
    public async Task Stop_RequestHeadHalfwayOnDirectPath_ClosesTheConnectionAtOnceWithoutAnError()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port, Cancellation);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /ws HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\n"), Cancellation);
        await Eventually.TrueAsync(() => server.Logs.Contains("ConnectionStart"), "Kestrel to accept the connection");

        // Nothing was accepted yet, so shutdown does not wait for the rest of the head, as Kestrel's HTTP layer would.
        var stopping = Stopwatch.StartNew();
        await server.StopAsync();

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"shutdown took {stopping.Elapsed}");
        Assert.Equal(0, await ReadOrResetAsync(stream));
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task UseHeraldDirectWebSockets_OnTheWebHostAndTheEndpoint_ReadsEachConnectionOnce()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true, endpoints: web => web.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHeraldDirectWebSockets())));

        await using var client = await server.ConnectAsUserAsync("twice");
        Assert.Equal(1, await server.SendAsync("twice", "once"));

        Assert.Equal("once", await client.ReceiveTextAsync());
        Assert.Equal(0, server.AspNetCoreRequestsTo("/ws"));

        // Two places on one endpoint would each read /send's head and decline it: only the last one runs.
        Assert.Single(server.Logs.Entries, entry => entry.EventName == "UpgradeDeclined");
    }

    private static async Task<string> ReadUntilAsync(NetworkStream stream, string end)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith(end, StringComparison.Ordinal))
        {
            Assert.Equal(1, await stream.ReadAsync(one, Cancellation));
            head.Append((char)one[0]);
        }

        return head.ToString();
    }

    private static async Task<int> ReadOrResetAsync(NetworkStream stream)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            return await stream.ReadAsync(new byte[1], timeout.Token);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
