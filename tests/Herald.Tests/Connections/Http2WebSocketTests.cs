using System.Net;
using System.Net.WebSockets;
using System.Text;
using Herald.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Tests.Connections;

/// <summary>WebSockets over HTTP/2 (RFC 8441 extended CONNECT), which only the ASP.NET Core path serves.</summary>
public sealed class Http2WebSocketTests
{
    [Fact]
    public async Task Connect_OverHttp2ExtendedConnect_LogsInAndReceivesEvenAfterIdling()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);

            // An HTTP/2 WebSocket is a request body to Kestrel: its minimum body data rate must not cut off an idle one.
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 1_000, gracePeriod: TimeSpan.FromSeconds(2));

            // Nor may the request body size limit end one after a few kilobytes from the client.
            kestrel.Limits.MaxRequestBodySize = 4_096;
        });
        builder.Services.AddHerald();
        await using var app = builder.Build();
        app.MapHerald();
        await app.StartAsync(TestContext.Current.CancellationToken);
        var hub = app.Services.GetRequiredService<IHeraldHub>();
        using var handler = new SocketsHttpHandler();
        using var invoker = new HttpMessageInvoker(handler);
        using var socket = new ClientWebSocket();
        socket.Options.HttpVersion = HttpVersion.Version20;
        socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        socket.Options.CollectHttpResponseDetails = true;

        await socket.ConnectAsync(new Uri($"ws://{new Uri(app.Urls.Single()).Authority}/ws"), invoker, TestContext.Current.CancellationToken);
        await socket.SendAsync("""{"uid":"h2"}"""u8.ToArray(), WebSocketMessageType.Text, true, TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => hub.GetUser("h2").Online, "the HTTP/2 login");
        for (var i = 0; i < 20; i++)
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(new string('j', 500)), WebSocketMessageType.Text, true, TestContext.Current.CancellationToken);
        }

        // Not a wait for an event: four seconds of silence, past the data-rate grace period, is what is tested.
        await Task.Delay(TimeSpan.FromSeconds(4), TestContext.Current.CancellationToken);
        Assert.True(hub.GetUser("h2").Online, "the idle HTTP/2 WebSocket was cut off");
        Assert.Equal(1, await hub.SendToUserAsync("h2", "over h2", TestContext.Current.CancellationToken));

        var buffer = new byte[64];
        var result = await socket.ReceiveAsync(buffer, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, socket.HttpStatusCode); // 200 to an extended CONNECT; HTTP/1.1 would answer 101

        Assert.Equal("over h2", Encoding.UTF8.GetString(buffer, 0, result.Count));
    }
}
