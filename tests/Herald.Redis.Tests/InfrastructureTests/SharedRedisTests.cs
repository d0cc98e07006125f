using Herald.Redis.Tests.Infrastructure;

namespace Herald.Redis.Tests.InfrastructureTests;

/// <summary>The assembly's shared Redis, and the prefixes that keep its tests apart.</summary>
public sealed class SharedRedisTests(SharedRedis redis)
{
    [Fact]
    public async Task Database_SetThenGet_ReturnsTheValue()
    {
        var key = $"{RedisTestPrefix.New()}:greeting";

        Assert.True(await redis.Database.StringSetAsync(key, "hello"));

        Assert.Equal("hello", await redis.Database.StringGetAsync(key));
    }

    [Fact]
    public async Task RedisTestPrefix_TwoTests_KeysDoNotMeet()
    {
        var first = RedisTestPrefix.New();
        var second = RedisTestPrefix.New();
        Assert.NotEqual(first, second);

        await redis.Database.StringSetAsync($"{first}:seq", "1");

        Assert.False(await redis.Database.KeyExistsAsync($"{second}:seq"));
    }
}
