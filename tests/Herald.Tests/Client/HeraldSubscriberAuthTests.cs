using System.Collections.Concurrent;
using Herald.Client;
using Herald.Tests.Auth;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

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

    [Fact]
    public async Task StartAsync_SessionCookieForTheConnectHook_LogsInAsTheHooksUser()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, """{"uid":"alice"}"""));
        await using var server = await StartWithHookAsync(backend);

        await using var probe = await SubscriberProbe.StartAsync(server.WebSocketUri, "alice", o => WithCookie(o));
        var sent = await new HeraldPublisher(server.Http).SendAsync("alice", "hello", Cancellation);

        Assert.Equal(1, sent);
        Assert.Equal("hello", (await probe.NextAsync()).Data.GetString());
        Assert.Equal(Cookie, backend.Requests.Single().Json.GetProperty("headers").GetProperty("Cookie").GetString());
    }

    [Fact]
    public async Task StartAsync_ConnectHookFailsOnce_ReconnectsAfter4013AndLogsIn()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Status(500));
        await using var server = await StartWithHookAsync(backend);
        await using var subscriber = new HeraldSubscriber(WithCookie(new HeraldSubscriberOptions { ServerUri = server.WebSocketUri, UserId = "alice", Reconnect = SubscriberProbe.FastReconnect }));
        var states = new ConcurrentQueue<HeraldSubscriberState>();
        subscriber.StateChanged += (_, state) => states.Enqueue(state);

        var started = subscriber.StartAsync(Cancellation);
        await Eventually.TrueAsync(() => states.Any(s => s.Status == HeraldSubscriberStatus.Reconnecting), "the first attempt to fail");
        backend.Answer(HookBackend.Json(200, """{"uid":"alice"}"""));
        await started.WaitAsync(SubscriberProbe.Timeout, Cancellation);

        var unavailable = Assert.Single(states, s => s.Status == HeraldSubscriberStatus.Reconnecting);
        Assert.Equal((4013, "authentication is unavailable, try again later"), (unavailable.CloseStatus, unavailable.CloseReason));
        Assert.Equal(HeraldSubscriberStatus.Connected, subscriber.State.Status);
        Assert.True(server.Hub.GetUser("alice").Online);
    }

    [Fact]
    public async Task SubscribeAsync_HookCannotCheckTheTopic_ThrowsAuthUnavailableAndForgetsIt()
    {
        await using var backend = await HookBackend.StartAsync(context => context.Request.Path == "/subscribe"
            ? HookBackend.Status(500)(context)
            : HookBackend.Json(200, """{"uid":"alice","topics":["orders"]}""")(context));
        await using var server = await StartWithHookAsync(backend, checkSubscribes: true);
        await using var probe = await SubscriberProbe.StartAsync(server.WebSocketUri, "alice", o => WithCookie(o));

        await probe.Subscriber.SubscribeAsync("orders", Cancellation);
        var refusal = await Assert.ThrowsAsync<HeraldSubscriptionException>(() => probe.Subscriber.SubscribeAsync("team:7", Cancellation));

        Assert.Equal(("team:7", "auth_unavailable"), (refusal.Topic, refusal.Code));
        Assert.Equal(["orders"], probe.Subscriber.Topics);
        Assert.Equal(HeraldSubscriberStatus.Connected, probe.Subscriber.State.Status);
    }

    [Fact]
    public async Task SubscribeAsync_HookRefusesTheTopic_ThrowsTopicNotAllowed()
    {
        await using var backend = await HookBackend.StartAsync(context => context.Request.Path == "/subscribe"
            ? HookBackend.Json(200, """{"allowed":false}""")(context)
            : HookBackend.Json(200, """{"uid":"alice"}""")(context));
        await using var server = await StartWithHookAsync(backend, checkSubscribes: true);
        await using var probe = await SubscriberProbe.StartAsync(server.WebSocketUri, "alice", o => WithCookie(o));

        var refusal = await Assert.ThrowsAsync<HeraldSubscriptionException>(() => probe.Subscriber.SubscribeAsync("team:7", Cancellation));

        Assert.Equal(("team:7", "topic_not_allowed"), (refusal.Topic, refusal.Code));
        Assert.Empty(probe.Subscriber.Topics);
    }

    [Fact]
    public async Task Subscriber_HooksCredentialExpires_ReconnectsAsksTheHookAgainAndResumes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var backend = await HookBackend.StartAsync(context =>
            HookBackend.Json(200, $$"""{"uid":"alice","expiresAt":"{{time.GetUtcNow().AddMinutes(10):O}}"}""")(context));
        await using var server = await StartWithHookAsync(backend, time: time);
        await using var probe = await SubscriberProbe.StartAsync(server.WebSocketUri, "alice", o => WithCookie(o));
        var publisher = new HeraldPublisher(server.Http);
        await publisher.SendAsync("alice", "m1", Cancellation);
        Assert.Equal("m1", (await probe.NextAsync()).Data.GetString());

        time.Advance(TimeSpan.FromMinutes(11));
        await publisher.PublishAsync(Herald.Client.HeraldPublication.Text("m2") with { Users = ["alice"] }, Cancellation);
        var message = await probe.NextAsync();

        Assert.Equal(("m2", 2L), (message.Data.GetString(), message.Seq));
        var expired = Assert.Single(probe.States, s => s.Status == HeraldSubscriberStatus.Reconnecting);
        Assert.Equal((4011, "token expired"), (expired.CloseStatus, expired.CloseReason));
        Assert.Equal(2, backend.CallsTo("/connect"));
        Assert.DoesNotContain(probe.Joins, j => j.MissedMessages);
    }

    private const string Cookie = "session=4f1c9e";

    private static HeraldSubscriberOptions WithCookie(HeraldSubscriberOptions options) => new()
    {
        ServerUri = options.ServerUri,
        UserId = options.UserId,
        Reconnect = options.Reconnect,
        ConfigureWebSocket = socket => socket.SetRequestHeader("Cookie", Cookie),
    };

    private static Task<HeraldTestServer> StartWithHookAsync(HookBackend backend, bool checkSubscribes = false, TimeProvider? time = null) =>
        HeraldTestServer.StartAsync(
            options =>
            {
                options.ConnectHook.Url = backend.Url;
                options.ConnectHook.CheckSubscribes = checkSubscribes;
                if (checkSubscribes)
                {
                    options.ConnectHook.SubscribeUrl = backend.SubscribeUrl;
                }

                if (time is not null)
                {
                    // On a fake clock moved by minutes: no keep-alive (its pings would go unanswered within one move),
                    // and a history that outlives the move, so that the resume finds it.
                    options.KeepAliveInterval = TimeSpan.Zero;
                    options.HistoryMaxAge = TimeSpan.FromHours(1);
                }
            },
            time);
}
