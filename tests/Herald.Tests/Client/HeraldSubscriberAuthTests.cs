using Herald.Client;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Client;

/// <summary><see cref="HeraldSubscriber"/> against a real server that checks who logs in (docs/client.md, "Credentials").</summary>
public sealed class HeraldSubscriberAuthTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartAsync_AnonymousLoginOff_ThrowsWith4012AndDoesNotRetry()
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.AllowAnonymousLogin = false);
        await using var subscriber = new HeraldSubscriber(new HeraldSubscriberOptions { ServerUri = server.WebSocketUri, UserId = "u1" });
        var states = new List<HeraldSubscriberState>();
        subscriber.StateChanged += (_, state) => states.Add(state);

        var closed = await Assert.ThrowsAsync<HeraldSubscriberClosedException>(() => subscriber.StartAsync(Cancellation).WaitAsync(SubscriberProbe.Timeout, Cancellation));

        Assert.Equal((4012, "anonymous login is off: log in with a token"), (closed.State.CloseStatus, closed.State.CloseReason));
        Assert.Equal([HeraldSubscriberStatus.Connecting, HeraldSubscriberStatus.Closed], states.Select(s => s.Status));
    }

    [Fact]
    public async Task StartAsync_TokenToAServerWithoutTokenKeys_ThrowsWith4012AfterAskingOnce()
    {
        await using var server = await HeraldTestServer.StartAsync();
        var asked = 0;
        await using var subscriber = new HeraldSubscriber(new HeraldSubscriberOptions
        {
            ServerUri = server.WebSocketUri,
            AccessTokenProvider = _ => ValueTask.FromResult<string?>($"token-{Interlocked.Increment(ref asked)}"),
        });

        var closed = await Assert.ThrowsAsync<HeraldSubscriberClosedException>(() => subscriber.StartAsync(Cancellation).WaitAsync(SubscriberProbe.Timeout, Cancellation));

        Assert.Equal((4012, "tokens are not configured on this server"), (closed.State.CloseStatus, closed.State.CloseReason));
        Assert.Equal(1, asked);
        Assert.Null(subscriber.UserId);
    }

    [Fact]
    public async Task StartAsync_ProviderThrows_RetriesWithBackoffThenClosesWithItsException()
    {
        await using var server = await HeraldTestServer.StartAsync();
        var failure = new HttpRequestException("the identity provider is down");
        var asked = 0;
        await using var subscriber = new HeraldSubscriber(new HeraldSubscriberOptions
        {
            ServerUri = server.WebSocketUri,
            AccessTokenProvider = _ =>
            {
                Interlocked.Increment(ref asked);
                throw failure;
            },
            Reconnect = new HeraldReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50), MaxAttempts = 2 },
        });
        var states = new List<HeraldSubscriberState>();
        subscriber.StateChanged += (_, state) => states.Add(state);

        var closed = await Assert.ThrowsAsync<HeraldSubscriberClosedException>(() => subscriber.StartAsync(Cancellation).WaitAsync(SubscriberProbe.Timeout, Cancellation));

        Assert.Same(failure, closed.State.Error);
        Assert.Equal((2, (int?)null), (closed.State.Attempt, closed.State.CloseStatus));
        Assert.Equal(2, asked);
        Assert.Same(failure, Assert.Single(states, s => s.Status == HeraldSubscriberStatus.Reconnecting).Error);
        Assert.Equal(0, server.Hub.GetStats().ConnectionsOpened);
    }

    [Fact]
    public async Task StartAsync_ProviderGivesNoToken_FailsTheAttemptWithoutConnecting()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var subscriber = new HeraldSubscriber(new HeraldSubscriberOptions
        {
            ServerUri = server.WebSocketUri,
            UserId = "u1",
            AccessTokenProvider = _ => ValueTask.FromResult<string?>(""),
            Reconnect = new HeraldReconnectPolicy { MaxAttempts = 1 },
        });

        var closed = await Assert.ThrowsAsync<HeraldSubscriberClosedException>(() => subscriber.StartAsync(Cancellation).WaitAsync(SubscriberProbe.Timeout, Cancellation));

        Assert.IsType<InvalidOperationException>(closed.State.Error);
        Assert.Contains("AccessTokenProvider", closed.State.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Hub.GetStats().ConnectionsOpened);
    }
}
