using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using Herald.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.WebSockets;

public sealed class WebSocketHandshakeTests
{
    // RFC 6455 §1.3: SHA-1 b37a4f2c c0624f16 90f64606 cf385945 b2bec4ea, in base64.
    [Fact]
    public void ComputeAcceptKey_Rfc6455Example_MatchesTheRfc() =>
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketHandshake.ComputeAcceptKey("dGhlIHNhbXBsZSBub25jZQ=="));

    [Theory]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ==")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("x3JJHMbDL1EzLkh9GBhXDw==")]
    [InlineData("/+/+/+/+/+/+/+/+/+/+/w==")]
    public void IsValidKey_Base64Of16Bytes_IsTrue(string key)
    {
        Assert.True(WebSocketHandshake.IsValidKey(key));
        Assert.True(WebSocketHandshake.IsValidKey(Encoding.ASCII.GetBytes(key)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ=")]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ")]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ===")]
    [InlineData(" dGhlIHNhbXBsZSBub25jZQ==")]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ== ")]
    [InlineData("dGhlIHNhbXBsZSBub25 ZQ==")]
    [InlineData("dGhlIHNhbXBsZSBub25*ZQ==")]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ-_")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAA")]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ==dGhlIHNhbXBsZSBub25jZQ==")]
    public void IsValidKey_NotBase64Of16Bytes_IsFalse(string? key)
    {
        Assert.False(WebSocketHandshake.IsValidKey(key));
        Assert.False(WebSocketHandshake.IsValidKey(Encoding.ASCII.GetBytes(key ?? string.Empty)));
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("herald.v1", "Sec-WebSocket-Protocol: herald.v1\r\n")]
    public void WriteAcceptResponse_Rfc6455ExampleKey_WritesTheWhole101(string? subprotocol, string protocolLine)
    {
        var output = new ArrayBufferWriter<byte>();

        WebSocketHandshake.WriteAcceptResponse(output, "dGhlIHNhbXBsZSBub25jZQ=="u8, subprotocol);

        Assert.Equal(
            "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
            $"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n{protocolLine}\r\n",
            Encoding.ASCII.GetString(output.WrittenSpan));
    }

    [Fact]
    public async Task ComputeAcceptKey_RealKestrelHandshake_MatchesTheServersAnswer()
    {
        // Kestrel's own WebSocket middleware is the independent judge of the accept key.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.UseWebSockets();
        app.Run(async context =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, context.RequestAborted);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());

        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", key);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);

        Assert.True(WebSocketHandshake.IsValidKey(key));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, response.StatusCode);
        Assert.Equal(WebSocketHandshake.ComputeAcceptKey(key), Assert.Single(response.Headers.GetValues("Sec-WebSocket-Accept")));
    }
}
