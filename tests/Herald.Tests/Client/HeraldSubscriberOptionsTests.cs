using Herald.Client;
using Herald.Client.Subscribing;

namespace Herald.Tests.Client;

/// <summary>A subscriber refuses options it could not work with, naming the one at fault.</summary>
public sealed class HeraldSubscriberOptionsTests
{
    private static readonly HeraldSubscriberOptions Valid = new() { ServerUri = new Uri("ws://localhost:8181/ws"), UserId = "123" };

    private static readonly Func<CancellationToken, ValueTask<string?>> NoToken = _ => ValueTask.FromResult<string?>(null);

    public static TheoryData<string, Func<HeraldSubscriberOptions>> Invalid => new()
    {
        { "ServerUri", () => new HeraldSubscriberOptions { ServerUri = new Uri("http://localhost:8181/ws"), UserId = "1" } },
        { "UserId", () => new HeraldSubscriberOptions { ServerUri = Valid.ServerUri, UserId = "" } },
        { "UserId", () => new HeraldSubscriberOptions { ServerUri = Valid.ServerUri } },
        { "UserId", () => new HeraldSubscriberOptions { ServerUri = Valid.ServerUri, UserId = "", AccessTokenProvider = NoToken } },
        { "UserId", () => new HeraldSubscriberOptions { ServerUri = Valid.ServerUri, AccessTokenProvider = NoToken, StartPosition = HeraldStartPosition.Retained } },
        { "Topics", () => new HeraldSubscriberOptions { ServerUri = Valid.ServerUri, UserId = "1", Topics = ["bad topic!"] } },
        { "Reconnect.InitialDelay", () => new HeraldSubscriberOptions { ServerUri = Valid.ServerUri, UserId = "1", Reconnect = new() { InitialDelay = TimeSpan.Zero } } },
        { "Reconnect.MaxDelay", () => new HeraldSubscriberOptions { ServerUri = Valid.ServerUri, UserId = "1", Reconnect = new() { MaxDelay = TimeSpan.FromMilliseconds(1) } } },
        { "Reconnect.Multiplier", () => new HeraldSubscriberOptions { ServerUri = Valid.ServerUri, UserId = "1", Reconnect = new() { Multiplier = 0.5 } } },
        { "Reconnect.MaxAttempts", () => new HeraldSubscriberOptions { ServerUri = Valid.ServerUri, UserId = "1", Reconnect = new() { MaxAttempts = 0 } } },
        { "MaxBufferedMessages", () => new HeraldSubscriberOptions { ServerUri = Valid.ServerUri, UserId = "1", MaxBufferedMessages = 0 } },
        { "ConnectTimeout", () => new HeraldSubscriberOptions { ServerUri = Valid.ServerUri, UserId = "1", ConnectTimeout = TimeSpan.Zero } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Constructor_InvalidOption_ThrowsNamingIt(string option, Func<HeraldSubscriberOptions> options)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new HeraldSubscriber(options()));

        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Constructor_TokenProviderWithoutUserId_IsValidAndTheUserIsNotKnownYet()
    {
        await using var fromToken = new HeraldSubscriber(new HeraldSubscriberOptions { ServerUri = Valid.ServerUri, AccessTokenProvider = NoToken });
        await using var named = new HeraldSubscriber(Valid);

        Assert.Null(fromToken.UserId);
        Assert.Equal("123", named.UserId);
    }

    [Fact]
    public async Task Constructor_ValidOptions_DoesNotConnectYet()
    {
        await using var subscriber = new HeraldSubscriber(Valid);

        Assert.Equal(HeraldSubscriberStatus.Connecting, subscriber.State.Status);
        Assert.Equal(0, subscriber.State.Attempt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("é")]
    public async Task SubscribeAsync_InvalidTopic_ThrowsBeforeSendingAnything(string topic)
    {
        await using var subscriber = new HeraldSubscriber(Valid);

        await Assert.ThrowsAsync<ArgumentException>(() => subscriber.SubscribeAsync(topic, TestContext.Current.CancellationToken));
        Assert.Empty(subscriber.Topics);
    }

    [Fact]
    public async Task ReadAllAsync_SecondReaderAtOnce_ThrowsAndTheFirstEndsOnDispose()
    {
        var subscriber = new HeraldSubscriber(Valid);
        await using var first = subscriber.ReadAllAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        var waiting = first.MoveNextAsync().AsTask();

        await using var second = subscriber.ReadAllAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await second.MoveNextAsync());
        await subscriber.DisposeAsync();

        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Equal(new HeraldSubscriberState(HeraldSubscriberStatus.Closed) { CloseStatus = 1000 }, subscriber.State);
    }

    [Fact]
    public async Task StartAsync_AfterDispose_Throws()
    {
        var subscriber = new HeraldSubscriber(Valid);
        await subscriber.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => subscriber.StartAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SubscribeAsync_BeforeStart_IsRemembered()
    {
        await using var subscriber = new HeraldSubscriber(new HeraldSubscriberOptions { ServerUri = Valid.ServerUri, UserId = "1", Topics = ["a"] });

        await subscriber.SubscribeAsync("b", TestContext.Current.CancellationToken);
        await subscriber.SubscribeAsync("b", TestContext.Current.CancellationToken);
        await subscriber.UnsubscribeAsync("a", TestContext.Current.CancellationToken);

        Assert.Equal(["b"], subscriber.Topics);
    }

    [Fact]
    public void TopicNames_LongestAllowed_IsValid() =>
        TopicNames.ThrowIfInvalid(new string('a', TopicNames.MaxLength), "topic");

    [Fact]
    public void TopicNames_OneTooLong_IsRefused() =>
        Assert.Throws<ArgumentException>(() => TopicNames.ThrowIfInvalid(new string('a', TopicNames.MaxLength + 1), "topic"));
}
