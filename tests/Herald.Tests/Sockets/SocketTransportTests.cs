using System.Net;
using System.Net.Sockets;
using System.Text;
using Herald.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Tests.Sockets;

/// <summary>
/// Herald's socket transport on an endpoint with the direct path and no TLS: which connections it serves itself,
/// and that every other one reaches Kestrel untouched. The shared behaviour runs in every *OnDirectPath class.
/// </summary>
public sealed class SocketTransportTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Upgrade_InOneWrite_IsServedWithoutAKestrelConnectionWhileTheApiGoesToKestrel()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true);

        await using var client = await server.ConnectAsUserAsync("bare");
        Assert.True(server.Logs.Contains("SocketAccepted"));
        Assert.False(server.Logs.Contains("ConnectionStart"), "Kestrel made a connection for the WebSocket");

        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var response = await http.GetAsync("/send?uid=bare&message=hello", Cancellation);
        Assert.Equal(1, await SendResponses.ReadDeliveredAsync(response));
        Assert.Equal("hello", await client.ReceiveTextAsync());
        Assert.True(server.Logs.Contains("ConnectionStart"), "the HTTP request did not reach Kestrel");
    }

    [Fact]
    public async Task Upgrade_FirstFrameInTheSameWrite_IsReadAfterTheHead()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true);
        using var tcp = await ConnectRawAsync(server);
        var stream = tcp.GetStream();

        byte[] headAndFrame = [.. Head(server), .. RawWebSocketClient.Frame(0x81, """{"uid":"together"}"""u8.ToArray())];
        await stream.WriteAsync(headAndFrame, Cancellation);

        await Eventually.TrueAsync(() => server.Hub.GetUser("together").Online, "the login sent with the head");
        Assert.False(server.Logs.Contains("ConnectionStart"), "Kestrel made a connection for the WebSocket");
        var response = new byte[12];
        await stream.ReadExactlyAsync(response, Cancellation);
        Assert.Equal("HTTP/1.1 101", Encoding.ASCII.GetString(response));
    }

    [Fact]
    public async Task Upgrade_HeadLongerThanOnePeek_IsServedThroughKestrelsDirectPath()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true);
        using var tcp = await ConnectRawAsync(server);
        var stream = tcp.GetStream();

        await stream.WriteAsync(Head(server, $"Cookie: session={new string('c', 6000)}\r\n"), Cancellation);
        await stream.WriteAsync(RawWebSocketClient.Frame(0x81, """{"uid":"cookies"}"""u8.ToArray()), Cancellation);

        await Eventually.TrueAsync(() => server.Hub.GetUser("cookies").Online, "the login after a long head");
        Assert.True(server.Logs.Contains("ConnectionStart"), "the long head did not go to Kestrel");
    }

    [Fact]
    public async Task Connect_NothingSent_IsClosedAfterKestrelsRequestHeadersTimeout()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true, configureBuilder: builder =>
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromMilliseconds(300)));
        using var tcp = await ConnectRawAsync(server);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        Assert.Equal(0, await tcp.GetStream().ReadAsync(new byte[1], timeout.Token));
        Assert.Equal(0, server.Hub.GetStats().ConnectionsOpened);
    }

    [Fact]
    public async Task KestrelConnectionLimitSet_EveryConnectionStaysKestrels()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true, configureBuilder: builder =>
            builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxConcurrentConnections = 100));

        await using var client = await server.ConnectAsUserAsync("counted");

        Assert.True(server.Logs.Contains("ConnectionStart"), "Kestrel's limit would not count the WebSocket");
        Assert.False(server.Logs.Contains("SocketAccepted"));
    }

    [Fact]
    public async Task TlsEndpointBesideAPlainOneOnPortZero_NeverAnswersAPlainTextUpgrade()
    {
        using var certificate = TestCertificate.Create();
        await using var server = await HeraldTestServer.StartAsync(direct: true, tls: certificate, endpoints: web => web.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate.Certificate).UseHeraldDirectWebSockets());
        }));
        using var tcp = await ConnectRawAsync(server);
        var stream = tcp.GetStream();

        await stream.WriteAsync(Head(server), Cancellation);

        var answer = new byte[64];
        var read = await ReadOrResetAsync(stream, answer);
        Assert.DoesNotContain("101", Encoding.ASCII.GetString(answer, 0, read), StringComparison.Ordinal);
        await using var secure = await server.ConnectAsUserAsync("secure");
        Assert.True(secure.Socket.State == System.Net.WebSockets.WebSocketState.Open);
    }

    private static async Task<TcpClient> ConnectRawAsync(HeraldTestServer server)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port, Cancellation);
        return tcp;
    }

    private static byte[] Head(HeraldTestServer server, string extraHeaders = "") => Encoding.ASCII.GetBytes(
        $"GET /ws HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        $"Sec-WebSocket-Key: {RawWebSocketClient.NewKey()}\r\nSec-WebSocket-Version: 13\r\n{extraHeaders}\r\n");

    private static async Task<int> ReadOrResetAsync(NetworkStream stream, byte[] buffer)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            return await stream.ReadAsync(buffer, timeout.Token);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
