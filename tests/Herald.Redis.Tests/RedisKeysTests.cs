using System.Text;
using Herald.Streams;
using StackExchange.Redis;

namespace Herald.Redis.Tests;

/// <summary>A stream's channel, made as bytes to subscribe to, is the very channel its publishes name as a string.</summary>
public sealed class RedisKeysTests
{
    [Theory]
    [InlineData("ann")]
    [InlineData("zoë-日本-🙂")]
    [InlineData("")]
    public void StreamChannel_AsBytes_IsTheChannelThePublishScriptNames(string user)
    {
        var keys = new RedisKeys(new HeraldRedisOptions { Prefix = "hx" });
        var stream = StreamId.ForUser(user);

        var channel = keys.StreamChannel(stream);

        Assert.Equal($"hx:{{user:{user}}}:channel", keys.StreamChannelName(stream));
        Assert.Equal(RedisChannel.Sharded(keys.StreamChannelName(stream)), channel);
        Assert.Equal(Encoding.UTF8.GetBytes(keys.StreamChannelName(stream)), (byte[])channel!);
        Assert.True(channel.IsSharded);
    }
}
