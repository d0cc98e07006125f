using System.Net.WebSockets;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Tests.Protocol;

/// <summary>
/// <c>ClientMessagesPerSecond</c> and <c>ClientMessageBurst</c>: a connection's messages take tokens from its bucket,
/// and the first with none left closes it with 4006. The server runs on a fake clock, so the bucket refills only
/// when the test moves time on.
/// </summary>
public abstract class MessageRateLimitTests(bool direct) : BothWebSocketPaths(direct)
{
    [Fact]
    public async Task Message_OneMoreThanTheBurst_ClosesWith4006AndOthersKeepReceiving()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await StartServerAsync(o => (o.ClientMessagesPerSecond, o.ClientMessageBurst, o.MaxTopicsPerConnection) = (1, 5, 4), clock);
        await using var innocent = await server.ConnectAsUserAsync("innocent");
        await using var flooder = await V1Client.ConnectAsync(server);

        // Five tokens: five pings are answered, the sixth closes the connection.
        for (var i = 0; i < 5; i++)
        {
            await flooder.SendTextAsync("""{"type":"ping"}""");
            await flooder.ReceiveTypeAsync("pong");
        }

        await flooder.SendTextAsync("""{"type":"ping"}""");

        var (type, _) = await flooder.Raw.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal(HeraldCloseCodes.MessageRateExceeded, (int?)flooder.Raw.Socket.CloseStatus);
        Assert.Equal("too many messages", flooder.Raw.Socket.CloseStatusDescription);
        Assert.Equal(1, server.Hub.GetStats().LimitRefusals);
        await Eventually.TrueAsync(() => server.Logs.Contains("MessageRateExceeded"), "the close to be logged");
        var line = Assert.Single(server.Logs.Entries, entry => entry.EventName == "MessageRateExceeded");
        Assert.Contains("sent more than 5 messages at once or 1 a second", line.Message, StringComparison.Ordinal);

        Assert.Equal(1, await server.SendAsync("innocent", "still here"));
        Assert.Equal("still here", await innocent.ReceiveTextAsync());
    }

    [Fact]
    public async Task Message_FloodAfterSeedLogin_ClosesWith4006AndLeavesTheUser()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await StartServerAsync(o => (o.ClientMessagesPerSecond, o.ClientMessageBurst, o.MaxTopicsPerConnection) = (1, 3, 2), clock);
        await using var innocent = await server.ConnectAsUserAsync("innocent");
        await using var flooder = await server.ConnectAsUserAsync("flooder");

        // The login took one token; the seed ignores other text, but it still counts.
        for (var i = 0; i < 100; i++)
        {
            await flooder.SendTextAsync("junk");
        }

        Assert.Equal(HeraldCloseCodes.MessageRateExceeded, await flooder.ReceiveCloseAsync());
        await Eventually.TrueAsync(() => !server.Hub.GetUser("flooder").Online, "the flooder to leave");
        Assert.Equal(1, await server.SendAsync("innocent", "after the flood"));
        Assert.Equal("after the flood", await innocent.ReceiveTextAsync());
    }

    [Fact]
    public async Task Message_AtTheRateForLongerThanTheBurst_IsEachAnswered()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await StartServerAsync(o => (o.ClientMessagesPerSecond, o.ClientMessageBurst, o.MaxTopicsPerConnection) = (10, 3, 2), clock);
        var (client, _, _) = await V1Client.LogInAsync(server, "steady");
        await using var _ = client;

        // Ten a second for five seconds: the bucket refills as fast as it is used.
        for (var i = 0; i < 50; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await client.SendTextAsync("""{"type":"ping"}""");
            await client.ReceiveTypeAsync("pong");
        }

        Assert.Equal(WebSocketState.Open, client.Raw.Socket.State);
        Assert.Equal(0, server.Hub.GetStats().LimitRefusals);
    }

    [Fact]
    public async Task Message_AfterTheBucketRefilled_MayBurstAgain()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await StartServerAsync(o => (o.ClientMessagesPerSecond, o.ClientMessageBurst, o.MaxTopicsPerConnection) = (2, 4, 2), clock);
        await using var client = await V1Client.ConnectAsync(server);
        for (var i = 0; i < 4; i++)
        {
            await client.SendTextAsync("""{"type":"ping"}""");
            await client.ReceiveTypeAsync("pong");
        }

        // Two seconds at two a second: the four tokens are back, and no more than four.
        clock.Advance(TimeSpan.FromSeconds(2));
        for (var i = 0; i < 4; i++)
        {
            await client.SendTextAsync("""{"type":"ping"}""");
            await client.ReceiveTypeAsync("pong");
        }

        await client.SendTextAsync("""{"type":"ping"}""");
        Assert.Equal(HeraldCloseCodes.MessageRateExceeded, await client.Raw.ReceiveCloseAsync());
    }
}

public sealed class MessageRateLimitTestsThroughAspNetCore() : MessageRateLimitTests(direct: false);

public sealed class MessageRateLimitTestsOnDirectPath() : MessageRateLimitTests(direct: true);
