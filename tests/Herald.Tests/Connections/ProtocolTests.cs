using System.Text;
using Herald.Tests.Infrastructure;
using Herald.WebSockets;

namespace Herald.Tests.Connections;

/// <summary>Herald's own RFC 6455 implementation, driven by a client that can break the rules.</summary>
public abstract class ProtocolTests(bool direct) : BothWebSocketPaths(direct)
{
    [Fact]
    public async Task Handshake_ValidUpgrade_Returns101WithTheAcceptKey()
    {
        await using var server = await StartServerAsync();
        var key = RawWebSocketClient.NewKey();

        await using var client = await RawWebSocketClient.ConnectAsync(server.BaseAddress, key);

        Assert.Equal(101, client.Status);
        Assert.Contains($"Sec-WebSocket-Accept: {WebSocketHandshake.ComputeAcceptKey(key)}\r\n", client.ResponseHead, StringComparison.Ordinal);
        Assert.Contains("Upgrade: websocket\r\n", client.ResponseHead, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Handshake_UnsupportedVersion_Returns426NamingVersion13()
    {
        await using var server = await StartServerAsync();

        await using var client = await RawWebSocketClient.ConnectAsync(server.BaseAddress, version: "8");

        Assert.Equal(426, client.Status);
        Assert.Contains("Sec-WebSocket-Version: 13\r\n", client.ResponseHead, StringComparison.Ordinal);
        Assert.Equal(0, server.Hub.GetStats().ConnectionsOpened);
    }

    [Fact]
    public async Task Handshake_Http10Upgrade_Returns400NeedsHttp11()
    {
        await using var server = await StartServerAsync();

        var answer = await RawHttp.ExchangeAsync(server.BaseAddress,
            $"GET /ws HTTP/1.0\r\nHost: {server.BaseAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {RawWebSocketClient.NewKey()}\r\nSec-WebSocket-Version: 13\r\n\r\n");

        Assert.Equal(400, answer.Status);
        Assert.Contains("application/problem+json", answer.Head, StringComparison.Ordinal);
        Assert.Contains(server.Logs.Entries, entry => entry.EventName == "UpgradeRefused" && entry.Message.EndsWith(": HTTP/1.0 upgrade", StringComparison.Ordinal));
        Assert.Equal(0, server.Hub.GetStats().ConnectionsOpened);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not base64 at all")]
    [InlineData("AAAA")]
    public async Task Handshake_MissingOrInvalidKey_Returns400(string? key)
    {
        await using var server = await StartServerAsync();

        await using var client = await RawWebSocketClient.ConnectAsync(server.BaseAddress, key);

        Assert.Equal(400, client.Status);
        Assert.Contains("application/problem+json", client.ResponseHead, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_SplitAcrossFramesAndSingleByteWritesWithPingBetween_LogsInAndPongs()
    {
        await using var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(server.BaseAddress);
        var bytes = RawWebSocketClient.Frame(0x01, Encoding.UTF8.GetBytes("""{"uid":"""))
            .Concat(RawWebSocketClient.Frame(0x89, Encoding.UTF8.GetBytes("are you there")))
            .Concat(RawWebSocketClient.Frame(0x80, Encoding.UTF8.GetBytes("\"pieces\"}")))
            .ToArray();

        foreach (var b in bytes)
        {
            await client.SendBytesAsync([b]);
        }

        var (opcode, fin, payload) = await client.ReceiveFrameAsync();
        Assert.Equal(0xA, opcode);
        Assert.True(fin);
        Assert.Equal("are you there", Encoding.UTF8.GetString(payload));
        await Eventually.TrueAsync(() => server.Hub.GetUser("pieces").Online, "the fragmented login");
        Assert.Equal(1, await server.SendAsync("pieces", "whole"));
        var message = await client.ReceiveFrameAsync();
        Assert.Equal((0x1, true, "whole"), (message.Opcode, message.Fin, Encoding.UTF8.GetString(message.Payload)));
    }

    [Theory]
    [InlineData(false, 0x81, 1002)]
    [InlineData(true, 0xC1, 1002)]
    [InlineData(true, 0x83, 1002)]
    [InlineData(true, 0x80, 1002)]
    public async Task Frame_BreakingTheProtocol_ClosesWith1002(bool masked, byte firstByte, int expectedCode)
    {
        await using var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(server.BaseAddress);

        await client.SendFrameAsync(firstByte, Encoding.UTF8.GetBytes("""{"uid":"x"}"""), masked);

        var (code, reason) = await client.ReceiveCloseAsync();
        Assert.Equal(expectedCode, code);
        Assert.False(string.IsNullOrEmpty(reason));
        await Eventually.TrueAsync(() => server.Logs.Contains("ProtocolViolation"), "the protocol violation to be logged");
        await Eventually.TrueAsync(() => server.Hub.GetStats().Connections == 0, "the connection to be dropped");
    }

    [Fact]
    public async Task Text_InvalidUtf8_ClosesWith1007()
    {
        await using var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(server.BaseAddress);

        await client.SendFrameAsync(0x81, [0x7B, 0xC3, 0x28, 0x7D]);

        Assert.Equal(1007, (await client.ReceiveCloseAsync()).Code);
    }

    [Fact]
    public async Task Close_WithCodeThatMayNotBeSent_ClosesWith1002()
    {
        await using var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(server.BaseAddress);

        await client.SendFrameAsync(0x88, [0x03, 0xED]);

        Assert.Equal(1002, (await client.ReceiveCloseAsync()).Code);
    }

    [Fact]
    public async Task Close_FromClientWithCode_IsAnsweredWith1000AndLogged()
    {
        await using var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(server.BaseAddress);
        await client.SendTextAsync("""{"uid":"leaving"}""");
        await Eventually.TrueAsync(() => server.Hub.GetUser("leaving").Online, "the login");

        await client.SendFrameAsync(0x88, [0x0F, 0xA0, .. "done"u8.ToArray()]);

        Assert.Equal((1000, ""), await client.ReceiveCloseAsync());
        await Eventually.TrueAsync(() => server.Hub.GetStats().Connections == 0, "the connection to be removed");
        Assert.Contains(server.Logs.Entries, e => e.EventName == "ConnectionClosed" && e.Message.Contains("client closed (4000 done)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_BurstToOneConnection_ArrivesWholeAndInOrder()
    {
        await using var server = await StartServerAsync(o => o.MaxMessageBytes = 100_000);
        await using var client = await RawWebSocketClient.ConnectAsync(server.BaseAddress);
        await client.SendTextAsync("""{"uid":"burst"}""");
        await Eventually.TrueAsync(() => server.Hub.GetUser("burst").Online, "the login");
        var sizes = new[] { 0, 1, 125, 126, 127, 65535, 65536, 100_000 };

        foreach (var size in sizes)
        {
            Assert.Equal(1, await server.Hub.SendToUserAsync("burst", new string('b', Math.Max(size, 1)), TestContext.Current.CancellationToken));
        }

        foreach (var size in sizes)
        {
            var (opcode, fin, payload) = await client.ReceiveFrameAsync();
            Assert.Equal((0x1, true, Math.Max(size, 1)), (opcode, fin, payload.Length));
        }
    }

}

public sealed class ProtocolTestsThroughAspNetCore() : ProtocolTests(direct: false);

public sealed class ProtocolTestsOnDirectPath() : ProtocolTests(direct: true);
