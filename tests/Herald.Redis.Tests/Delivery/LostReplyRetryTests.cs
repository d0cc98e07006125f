using Herald.Redis.Tests.Infrastructure;
using Herald.Streams;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Redis.Tests.Delivery;

/// <summary>
/// A publish whose scripts ran but whose reply was lost is answered 503, and its idempotency key's claim released;
/// its retry must find the message in the streams that have it, not publish it twice. The test makes that state for
/// real: a publish, then its claim removed from Redis as the failed try removes it, then the retry on another node.
/// </summary>
public sealed class LostReplyRetryTests(SharedRedis redis)
{
    [Fact]
    public async Task RetryAfterALostReply_FindsTheMessageInEveryStreamAndPublishesItOnce()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var prefix = RedisTestPrefix.New();
        await using var cluster = await HeraldCluster.StartAsync(2, HeraldRedisSettings.For(redis.Server, prefix), static builder => builder.Services.AddHerald().AddRedis());
        var (ann, bob) = ($"ann-{Guid.NewGuid():N}", $"bob-{Guid.NewGuid():N}");
        var key = $"order-{Guid.NewGuid():N}";
        var publication = new HeraldPublication { Users = [ann, bob], Text = "shipped", IdempotencyKey = key };

        var first = await cluster[0].Server.Hub.PublishAsync(publication, cancellation);
        Assert.True(await redis.Database.KeyDeleteAsync($"{prefix}:idempotency:{{{key}}}"));
        var retry = await cluster[1].Server.Hub.PublishAsync(publication, cancellation);

        Assert.Equal(first.Id, retry.Id);
        Assert.Equal(first.Streams.Select(stream => (stream.Stream, stream.Epoch, stream.Seq)), retry.Streams.Select(stream => (stream.Stream, stream.Epoch, stream.Seq)));
        var history = cluster[1].Server.Services.GetRequiredService<IHistory>();
        foreach (var user in new[] { ann, bob })
        {
            var read = await history.ReadAsync(StreamId.ForUser(user), StreamPosition.Start, cancellation);
            Assert.Equal([first.Id], read.Messages.Select(message => message.Message.Id));
        }
    }

    [Fact]
    public async Task ANewPublishWithAnotherKey_AfterOneWithAKey_IsPublished()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var cluster = await HeraldCluster.StartAsync(1, HeraldRedisSettings.For(redis.Server, RedisTestPrefix.New()), static builder => builder.Services.AddHerald().AddRedis());
        var uid = $"cid-{Guid.NewGuid():N}";

        var one = await cluster[0].Server.Hub.PublishAsync(new HeraldPublication { Users = [uid], Text = "a", IdempotencyKey = $"k1-{uid}" }, cancellation);
        var two = await cluster[0].Server.Hub.PublishAsync(new HeraldPublication { Users = [uid], Text = "b", IdempotencyKey = $"k2-{uid}" }, cancellation);

        Assert.Equal((1L, 2L), (one.Streams[0].Seq, two.Streams[0].Seq));
        Assert.NotEqual(one.Id, two.Id);
    }
}
