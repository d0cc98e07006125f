using System.Collections.Concurrent;
using System.Security.Cryptography;
using Herald.Client;
using Herald.Tests.Auth;
using Herald.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using Publication = Herald.Client.HeraldPublication;

namespace Herald.Tests.Client;

/// <summary>
/// <see cref="HeraldSubscriber"/> with an <see cref="HeraldSubscriberOptions.AccessTokenProvider"/>, against a real
/// server that checks real tokens (docs/client.md, "Credentials"). Where a token must expire, the server runs on a
/// fake clock that the test moves and the tokens are minted on it; the subscriber keeps the real one.
/// </summary>
public sealed class HeraldSubscriberTokenTests
{
    private static readonly TimeSpan RefreshNotice = TimeSpan.FromMinutes(1);

    // Into the first token's notice, and then past its expiry.
    private static readonly TimeSpan IntoTheNotice = TokenIssuer.Lifetime - (RefreshNotice / 2);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartAsync_ProvidersToken_LogsInAsTheTokensUserAndReceivesItsMessages()
    {
        var issuer = new TokenIssuer(TimeProvider.System);
        await using var server = await StartServerAsync(issuer);
        var provider = new TokenProvider(_ => issuer.Mint("ada"));
        await using var probe = await SubscriberProbe.StartAsync(Options(server, provider));

        var result = await new HeraldPublisher(server.Http).PublishAsync(Publication.Text("hi") with { Users = ["ada"] }, Cancellation);
        var message = await probe.NextAsync();

        Assert.Equal("ada", probe.Subscriber.UserId);
        Assert.Equal(("user:ada", result.Id, "hi"), (message.Stream, message.Id, message.Data.GetString()));
        Assert.Equal(1, provider.Calls);
        Assert.Equal(1, server.Hub.GetUser("ada").Connections);
    }

    [Fact]
    public async Task StartAsync_UserIdBesideTheTokensUser_ResumesTheUsersStreamFromRetained()
    {
        var issuer = new TokenIssuer(TimeProvider.System);
        await using var server = await StartServerAsync(issuer);
        await PublishAsync(new HeraldPublisher(server.Http), "while away");
        var provider = new TokenProvider(_ => issuer.Mint("ada"));

        await using var probe = await SubscriberProbe.StartAsync(Options(server, provider, userId: "ada", startPosition: HeraldStartPosition.Retained));
        var message = await probe.NextAsync();

        Assert.Equal(("user:ada", "while away"), (message.Stream, message.Data.GetString()));
        Assert.Equal(HeraldResumeOutcome.Recovered, probe.Joins.First(j => j.Stream == "user:ada").Outcome);
    }

    [Fact]
    public async Task StartAsync_UserIdIsNotTheTokensUser_ClosesWith4012AndDoesNotRetry()
    {
        var issuer = new TokenIssuer(TimeProvider.System);
        await using var server = await StartServerAsync(issuer);
        var provider = new TokenProvider(_ => issuer.Mint("ada"));
        await using var subscriber = new HeraldSubscriber(Options(server, provider, userId: "bob"));

        var closed = await Assert.ThrowsAsync<HeraldSubscriberClosedException>(() => subscriber.StartAsync(Cancellation).WaitAsync(SubscriberProbe.Timeout, Cancellation));

        Assert.Equal((4012, "uid is not the credential's user"), (closed.State.CloseStatus, closed.State.CloseReason));
        Assert.Equal(1, provider.Calls);
    }

    [Fact]
    public async Task StartAsync_FirstTokenRefused_ReconnectsWithAFreshOneAndLogsIn()
    {
        var issuer = new TokenIssuer(TimeProvider.System);
        await using var server = await StartServerAsync(issuer);
        var provider = new TokenProvider(call => issuer.Mint("ada", forged: call == 1));

        await using var probe = await SubscriberProbe.StartAsync(Options(server, provider));

        var refused = Assert.Single(probe.States, s => s.Status == HeraldSubscriberStatus.Reconnecting);
        Assert.Equal((4010, "token signature is not valid"), (refused.CloseStatus, refused.CloseReason));
        Assert.Equal(2, provider.Calls);
        Assert.Equal(HeraldSubscriberStatus.Connected, probe.Subscriber.State.Status);
    }

    [Theory]
    [InlineData(4010, false)]
    [InlineData(4011, true)]
    public async Task StartAsync_ProvidersFreshTokenRefusedToo_ClosesWithTheCodeAfterTwoAttempts(int code, bool expired)
    {
        var issuer = new TokenIssuer(TimeProvider.System);
        await using var server = await StartServerAsync(issuer);
        var provider = new TokenProvider(_ => expired ? issuer.Mint("ada", lifetime: TimeSpan.FromMinutes(-1)) : issuer.Mint("ada", forged: true));
        await using var subscriber = new HeraldSubscriber(Options(server, provider));
        var states = new ConcurrentQueue<HeraldSubscriberState>();
        subscriber.StateChanged += (_, state) => states.Enqueue(state);

        var closed = await Assert.ThrowsAsync<HeraldSubscriberClosedException>(() => subscriber.StartAsync(Cancellation).WaitAsync(SubscriberProbe.Timeout, Cancellation));

        Assert.Equal(code, closed.State.CloseStatus);
        Assert.Equal(2, provider.Calls);
        Assert.Equal([code], states.Where(s => s.Status == HeraldSubscriberStatus.Reconnecting).Select(s => s.CloseStatus ?? 0));
        Assert.Equal(0, server.Hub.GetUser("ada").Connections);
    }

    [Fact]
    public async Task Subscriber_ReconnectedWithAnotherUsersToken_ClosesWith4012()
    {
        var issuer = new TokenIssuer(TimeProvider.System);
        await using var server = await StartServerAsync(issuer);
        await using var proxy = new BreakableProxy(server.BaseAddress);
        var provider = new TokenProvider(call => issuer.Mint(call == 1 ? "ada" : "bob"));
        await using var probe = await SubscriberProbe.StartAsync(Options(proxy.WebSocketUri, provider));

        proxy.DropConnections();
        await probe.AssertEndedAsync();

        Assert.Equal((4012, "uid is not the credential's user"), (probe.Subscriber.State.CloseStatus, probe.Subscriber.State.CloseReason));
        Assert.Equal("ada", probe.Subscriber.UserId);
        Assert.Equal(2, provider.Calls);
        Assert.Equal(0, server.Hub.GetUser("bob").Connections);
    }

    [Fact]
    public async Task Subscriber_TokenExpiring_RefreshesOnTheOpenConnectionWithoutReconnecting()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var issuer = new TokenIssuer(time);
        await using var server = await StartServerAsync(issuer, time);
        var provider = new TokenProvider(_ => issuer.Mint("ada"));
        await using var probe = await SubscriberProbe.StartAsync(Options(server, provider));

        time.Advance(IntoTheNotice);
        await Eventually.TrueAsync(() => server.Logs.Contains("CredentialRefreshed"), "the server to take the refreshed token");
        time.Advance(RefreshNotice);
        await new HeraldPublisher(server.Http).PublishAsync(Publication.Text("after") with { Users = ["ada"] }, Cancellation);
        var message = await probe.NextAsync();

        // A 4011 at the first token's expiry would have come before the message, which would then come after a reconnect.
        Assert.Equal(("after", 1L), (message.Data.GetString(), message.Seq));
        Assert.Equal(2, provider.Calls);
        Assert.DoesNotContain(probe.States, s => s.Status == HeraldSubscriberStatus.Reconnecting);
        Assert.False(server.Logs.Contains("CredentialExpired"));
    }

    [Fact]
    public async Task Subscriber_RefreshFails_ReconnectsAtExpiryWithAFreshTokenAndResumesWithoutLossOrRepeat()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var issuer = new TokenIssuer(time);
        await using var server = await StartServerAsync(issuer, time);
        var down = new HttpRequestException("the identity provider is down");
        var provider = new TokenProvider(call => call == 2 ? throw down : issuer.Mint("ada"));
        await using var probe = await SubscriberProbe.StartAsync(Options(server, provider));
        var publisher = new HeraldPublisher(server.Http);
        await PublishAsync(publisher, "m1");
        Assert.Equal("m1", (await probe.NextAsync()).Data.GetString());

        time.Advance(IntoTheNotice);
        await Eventually.TrueAsync(() => provider.Calls == 2, "the subscriber to ask for a newer token");
        time.Advance(RefreshNotice);
        await PublishAsync(publisher, "m2");
        await PublishAsync(publisher, "m3");
        var messages = await probe.NextAsync(2);
        await PublishAsync(publisher, "m4");

        Assert.Equal([("m2", 2L), ("m3", 3L), ("m4", 4L)], [.. messages.Append(await probe.NextAsync()).Select(m => (m.Data.GetString(), m.Seq))]);
        var expiry = Assert.Single(probe.States, s => s.Status == HeraldSubscriberStatus.Reconnecting);
        Assert.Equal((4011, "token expired"), (expiry.CloseStatus, expiry.CloseReason));
        Assert.Same(down, expiry.Error);
        Assert.Equal(3, provider.Calls);
        Assert.DoesNotContain(probe.Joins, j => j.MissedMessages);
        Assert.True(server.Logs.Contains("CredentialExpired"));
    }

    [Fact]
    public async Task Subscriber_RefreshRefused_ReconnectsAtExpiryAndReportsTheRefusal()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var issuer = new TokenIssuer(time);
        await using var server = await StartServerAsync(issuer, time);
        var provider = new TokenProvider(call => issuer.Mint("ada", topics: ["later"], forged: call == 2));
        await using var probe = await SubscriberProbe.StartAsync(Options(server, provider));

        time.Advance(IntoTheNotice);
        await Eventually.TrueAsync(() => server.Logs.Contains("CommandRefused"), "the server to refuse the refresh");

        // The server answers in order: once the subscribe is answered, the refusal has been read (the 4011 drops what
        // is still queued, and the refusal may be queued a moment after the server logs it).
        await probe.Subscriber.SubscribeAsync("later", Cancellation);
        time.Advance(RefreshNotice);
        await Eventually.TrueAsync(() => probe.States.Count(s => s.Status == HeraldSubscriberStatus.Connected) == 2, "the subscriber to log in again");

        var expiry = Assert.Single(probe.States, s => s.Status == HeraldSubscriberStatus.Reconnecting);
        Assert.Equal(4011, expiry.CloseStatus);
        var refusal = Assert.IsType<HeraldTokenRefreshException>(expiry.Error);
        Assert.Equal(("invalid_token", "token signature is not valid"), (refusal.Code, refusal.Message));
        Assert.Equal(3, provider.Calls);
    }

    [Fact]
    public async Task Subscriber_RefreshedTokenGrantsFewerTopics_ReportsTheTopicItWasTakenOffAndForgetsIt()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var issuer = new TokenIssuer(time);
        await using var server = await StartServerAsync(issuer, time);
        var provider = new TokenProvider(call => issuer.Mint("ada", topics: call == 1 ? ["orders", "news"] : ["orders"]));
        await using var probe = await SubscriberProbe.StartAsync(Options(server, provider, topics: ["orders", "news"]));
        var refused = new ConcurrentQueue<HeraldSubscriptionException>();
        probe.Subscriber.SubscriptionRefused += (_, refusal) => refused.Enqueue(refusal);
        await Eventually.TrueAsync(() => server.Hub.GetStats().Topics == 2, "both topics to be subscribed");

        time.Advance(IntoTheNotice);
        await Eventually.TrueAsync(() => !refused.IsEmpty, "the subscriber to report the topic it was taken off");
        var publisher = new HeraldPublisher(server.Http);
        await publisher.PublishAsync(Publication.Text("n1") with { Topics = ["news"] }, Cancellation);
        await publisher.PublishAsync(Publication.Text("o1") with { Topics = ["orders"] }, Cancellation);

        var refusal = Assert.Single(refused);
        Assert.Equal(("news", "topic_not_allowed"), (refusal.Topic, refusal.Code));
        Assert.Equal(["orders"], probe.Subscriber.Topics);
        var message = await probe.NextAsync();
        Assert.Equal(("topic:orders", "o1"), (message.Stream, message.Data.GetString()));
    }

    [Fact]
    public async Task SubscribeAsync_TopicTheTokenDoesNotGrant_ThrowsTopicNotAllowedAndStaysConnected()
    {
        var issuer = new TokenIssuer(TimeProvider.System);
        await using var server = await StartServerAsync(issuer);
        var provider = new TokenProvider(_ => issuer.Mint("ada", topics: ["orders:*"]));
        await using var probe = await SubscriberProbe.StartAsync(Options(server, provider));

        await probe.Subscriber.SubscribeAsync("orders:eu", Cancellation);
        var refusal = await Assert.ThrowsAsync<HeraldSubscriptionException>(() => probe.Subscriber.SubscribeAsync("payroll", Cancellation));

        Assert.Equal(("payroll", "topic_not_allowed"), (refusal.Topic, refusal.Code));
        Assert.Equal(["orders:eu"], probe.Subscriber.Topics);
        Assert.Equal(HeraldSubscriberStatus.Connected, probe.Subscriber.State.Status);
    }

    [Fact]
    public async Task StartAsync_TokenKeysUnavailable_ReconnectsAfter4013UntilTheyLoad()
    {
        using var rsa = RSA.Create(2048);
        await using var jwks = await JwksServer.StartAsync(Jwks.Of(Jwks.Rsa(rsa, "k1")));
        jwks.Status = StatusCodes.Status503ServiceUnavailable;
        await using var server = await HeraldTestServer.StartAsync(options =>
        {
            options.Tokens.JwksUrl = jwks.Url.ToString();
            options.Tokens.JwksMinRefreshInterval = TimeSpan.FromSeconds(1);
        });
        var provider = new TokenProvider(_ => TestTokens.Mint(Jwks.SigningKey(rsa, "k1"), SecurityAlgorithms.RsaSha256, issuedAt: DateTimeOffset.UtcNow));
        await using var subscriber = new HeraldSubscriber(Options(server, provider));
        var states = new ConcurrentQueue<HeraldSubscriberState>();
        subscriber.StateChanged += (_, state) => states.Enqueue(state);

        var started = subscriber.StartAsync(Cancellation);
        await Eventually.TrueAsync(() => states.Any(s => s.CloseStatus == 4013), "a login refused as unavailable");
        jwks.Status = StatusCodes.Status200OK;
        await started.WaitAsync(SubscriberProbe.Timeout, Cancellation);

        Assert.Equal(HeraldSubscriberStatus.Connected, subscriber.State.Status);
        Assert.Equal("ada", subscriber.UserId);
        Assert.All(states.Where(s => s.Status == HeraldSubscriberStatus.Reconnecting), s => Assert.Equal(4013, s.CloseStatus));
        Assert.True(provider.Calls >= 2, $"{provider.Calls} tokens asked for");
    }

    private static Task<HeraldTestServer> StartServerAsync(TokenIssuer issuer, TimeProvider? time = null) =>
        HeraldTestServer.StartAsync(
            options =>
            {
                options.Tokens.SecretBase64 = Convert.ToBase64String(issuer.Secret);
                options.Tokens.ClockSkew = TimeSpan.Zero;
                options.Tokens.RefreshNotice = RefreshNotice;

                // On a fake clock moved by minutes: no keep-alive (its pings would go unanswered within one move),
                // and a history that outlives the moves, so that a resume finds it.
                options.KeepAliveInterval = TimeSpan.Zero;
                options.HistoryMaxAge = TimeSpan.FromHours(1);
            },
            time);

    private static HeraldSubscriberOptions Options(
        HeraldTestServer server, TokenProvider provider, string? userId = null, string[]? topics = null, HeraldStartPosition startPosition = HeraldStartPosition.Live) =>
        Options(server.WebSocketUri, provider, userId, topics, startPosition);

    private static HeraldSubscriberOptions Options(
        Uri serverUri, TokenProvider provider, string? userId = null, string[]? topics = null, HeraldStartPosition startPosition = HeraldStartPosition.Live) => new()
    {
        ServerUri = serverUri,
        AccessTokenProvider = provider.GetAsync,
        UserId = userId,
        Topics = topics ?? [],
        StartPosition = startPosition,
        Reconnect = SubscriberProbe.FastReconnect,
    };

    private static Task<Herald.Client.HeraldPublishResult> PublishAsync(HeraldPublisher publisher, string text) =>
        publisher.PublishAsync(Publication.Text(text) with { Users = ["ada"] }, Cancellation);

    /// <summary>A token provider that counts its calls and gives the token <c>mint(call)</c> says (call 1, 2, ...).</summary>
    private sealed class TokenProvider(Func<int, string?> mint)
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public ValueTask<string?> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(mint(Interlocked.Increment(ref _calls)));
    }
}
