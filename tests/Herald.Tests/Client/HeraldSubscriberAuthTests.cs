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
}
