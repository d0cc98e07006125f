using Herald.Delivery;
using Herald.Streams;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Tests.Delivery;

/// <summary>
/// The idempotency store's rules that the HTTP API cannot show on demand: a failed publish published nothing, so
/// its key is free again at once and uses up no limit; memory is bounded by MaxIdempotencyBytes whatever the
/// messages' size; a retry must match the first message in every part.
/// </summary>
public sealed class IdempotencyStoreTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PublishOnce_RetryWaitingForAPublishThatFails_PublishesInItsPlace()
    {
        var store = NewStore();
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = store.PublishOnceAsync(Publication("order-1"), async (_, _) =>
        {
            firstStarted.SetResult();
            await failFirst.Task;
            throw new OperationCanceledException("the first caller gave up before the message was published");
        }, Cancellation).AsTask();
        await firstStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        var retryPublished = 0;
        var retry = store.PublishOnceAsync(Publication("order-1"), (_, _) =>
        {
            Interlocked.Increment(ref retryPublished);
            return ValueTask.FromResult(Result("m-retry"));
        }, Cancellation).AsTask();
        Assert.False(retry.IsCompleted, "the retry must wait for the publish already under way");
        failFirst.SetResult();

        await Assert.ThrowsAsync<OperationCanceledException>(() => first);
        var outcome = await retry.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.Equal(1, retryPublished);
        Assert.Equal("m-retry", outcome.Result!.Id);
        Assert.False(outcome.Result.Duplicate);
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task PublishOnce_AfterAFailedPublish_TheSameKeyPublishesAgain()
    {
        var store = NewStore();
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await store.PublishOnceAsync(Publication("order-1"), (_, _) => throw new InvalidOperationException("backplane down"), Cancellation));
        Assert.Equal(0, store.Count);

        var outcome = await store.PublishOnceAsync(Publication("order-1"), Succeed("m-2"), Cancellation);

        Assert.Equal("m-2", outcome.Result!.Id);
        Assert.False(outcome.Result.Duplicate);
    }

    [Fact]
    public async Task PublishOnce_FailedPublishes_DoNotUseUpMaxIdempotencyKeys()
    {
        var store = NewStore(maxKeys: 2);
        await store.PublishOnceAsync(Publication("a"), Succeed("m-a"), Cancellation);
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(async () =>
                await store.PublishOnceAsync(Publication($"failed-{i}"), (_, _) => throw new InvalidOperationException("backplane down"), Cancellation));
        }

        await store.PublishOnceAsync(Publication("b"), Succeed("m-b"), Cancellation);

        // Two keys remembered, the limit: "a" is still known although seven publishes came after it.
        var retryOfA = await store.PublishOnceAsync(Publication("a"), Succeed("m-a-again"), Cancellation);
        Assert.Equal("m-a", retryOfA.Result!.Id);
        Assert.True(retryOfA.Result.Duplicate);
        Assert.Equal(2, store.Count);

        await store.PublishOnceAsync(Publication("c"), Succeed("m-c"), Cancellation);
        var retryOfAOverTheLimit = await store.PublishOnceAsync(Publication("a"), Succeed("m-a-new"), Cancellation);
        Assert.Equal("m-a-new", retryOfAOverTheLimit.Result!.Id);
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public async Task PublishOnce_RetryWhoseOwnCallerGivesUp_IsCancelledAndLeavesTheFirstAlone()
    {
        var store = NewStore();
        var releaseFirst = new TaskCompletionSource<HeraldPublishResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = store.PublishOnceAsync(Publication("order-1"), (_, _) => new ValueTask<HeraldPublishResult>(releaseFirst.Task), Cancellation).AsTask();
        using var retryCaller = new CancellationTokenSource();
        var retry = store.PublishOnceAsync(Publication("order-1"), Succeed("never"), retryCaller.Token).AsTask();

        await retryCaller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => retry);
        releaseFirst.SetResult(Result("m-1"));

        Assert.Equal("m-1", (await first).Result!.Id);
        var later = await store.PublishOnceAsync(Publication("order-1"), Succeed("never"), Cancellation);
        Assert.Equal("m-1", later.Result!.Id);
        Assert.True(later.Result.Duplicate);
    }

    [Fact]
    public async Task PublishOnce_OverMaxIdempotencyBytes_ForgetsTheOldestKeyAndCountsNoMessageData()
    {
        // Each key below is counted as 512 + 2 × 1 for the key + 80 + 2 × 8 for "user:ada" = 610 bytes.
        var store = NewStore(maxBytes: 1300);
        await store.PublishOnceAsync(Publication("a"), Succeed("m-a"), Cancellation);
        await store.PublishOnceAsync(Publication("b", new string('x', 60_000)), Succeed("m-b"), Cancellation);
        Assert.Equal((2, 1220L), (store.Count, store.Bytes));

        await store.PublishOnceAsync(Publication("c"), Succeed("m-c"), Cancellation);

        Assert.Equal((2, 1220L), (store.Count, store.Bytes));
        Assert.Equal("m-a-new", (await store.PublishOnceAsync(Publication("a"), Succeed("m-a-new"), Cancellation)).Result!.Id);
        Assert.True((await store.PublishOnceAsync(Publication("c"), Succeed("never"), Cancellation)).Result!.Duplicate);
    }

    [Fact]
    public async Task PublishOnce_OneKeyAloneOverMaxIdempotencyBytes_IsStillRemembered()
    {
        var store = NewStore(maxBytes: 100);

        await store.PublishOnceAsync(Publication("a"), Succeed("m-a"), Cancellation);
        var retry = await store.PublishOnceAsync(Publication("a"), Succeed("never"), Cancellation);

        Assert.Equal("m-a", retry.Result!.Id);
        Assert.True(retry.Result.Duplicate);
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task PublishOnce_SameKeyForAnotherStreamContentOrConflationKey_IsAConflict()
    {
        var store = NewStore();
        await store.PublishOnceAsync(Publication("a"), Succeed("m-a"), Cancellation);

        Publication[] others =
        [
            new([StreamId.ForUser("bob")], MessageContent.Text("paid"), key: null, "a"),
            new([StreamId.ForUser("ada")], MessageContent.Text("paid!"), key: null, "a"),
            new([StreamId.ForUser("ada")], MessageContent.Json("\"paid\""u8), key: null, "a"),
            new([StreamId.ForUser("ada")], MessageContent.Text("paid"), key: "progress", "a"),
            new([StreamId.ForUser("ada"), StreamId.ForTopic("orders")], MessageContent.Text("paid"), key: null, "a"),
        ];
        foreach (var other in others)
        {
            var outcome = await store.PublishOnceAsync(other, Succeed("never"), Cancellation);
            Assert.Null(outcome.Result);
            Assert.StartsWith("idempotencyKey 'a' was used for a different message", outcome.Conflict, StringComparison.Ordinal);
        }
    }

    private static Publication Publication(string idempotencyKey, string text = "paid") =>
        new([StreamId.ForUser("ada")], MessageContent.Text(text), key: null, idempotencyKey);

    private static HeraldPublishResult Result(string id) => new(id, 1, [new HeraldStreamResult("user:ada", "epoch", 1, 1)]);

    private static Func<Publication, CancellationToken, ValueTask<HeraldPublishResult>> Succeed(string id) =>
        (_, _) => ValueTask.FromResult(Result(id));

    private IdempotencyStore NewStore(int maxKeys = 100, long maxBytes = HeraldOptions.DefaultMaxIdempotencyBytes) =>
        new(new HeraldOptions { MaxIdempotencyKeys = maxKeys, MaxIdempotencyBytes = maxBytes }, _clock);
}
