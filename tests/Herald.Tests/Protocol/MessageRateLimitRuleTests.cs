using Herald.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Tests.Protocol;

/// <summary>The token-bucket rule of <see cref="MessageRateLimit"/> on its own, on a fake clock.</summary>
public sealed class MessageRateLimitRuleTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public void TryTake_NewBucket_AllowsExactlyTheBurstAtOnce()
    {
        var rule = new MessageRateLimit(perSecond: 50, burst: 100, _clock);
        var bucket = 0L;

        var taken = 0;
        while (taken < 1000 && rule.TryTake(ref bucket, _clock.GetTimestamp()))
        {
            taken++;
        }

        Assert.Equal(100, taken);
    }

    [Fact]
    public void TryTake_AfterAnHourIdle_StillAllowsNoMoreThanTheBurst()
    {
        var rule = new MessageRateLimit(perSecond: 10, burst: 3, _clock);
        var bucket = 0L;
        Assert.True(rule.TryTake(ref bucket, _clock.GetTimestamp()));

        _clock.Advance(TimeSpan.FromHours(1));

        Assert.True(rule.TryTake(ref bucket, _clock.GetTimestamp()));
        Assert.True(rule.TryTake(ref bucket, _clock.GetTimestamp()));
        Assert.True(rule.TryTake(ref bucket, _clock.GetTimestamp()));
        Assert.False(rule.TryTake(ref bucket, _clock.GetTimestamp()));
    }

    [Fact]
    public void TryTake_WhenEmpty_RefillsOneTokenPerIntervalAndARefusalTakesNothing()
    {
        var rule = new MessageRateLimit(perSecond: 4, burst: 1, _clock);
        var bucket = 0L;
        Assert.True(rule.TryTake(ref bucket, _clock.GetTimestamp()));

        // Refused messages do not push the refill back: a quarter second after the last one passed, the next may.
        _clock.Advance(TimeSpan.FromMilliseconds(200));
        Assert.False(rule.TryTake(ref bucket, _clock.GetTimestamp()));
        Assert.False(rule.TryTake(ref bucket, _clock.GetTimestamp()));
        _clock.Advance(TimeSpan.FromMilliseconds(50));
        Assert.True(rule.TryTake(ref bucket, _clock.GetTimestamp()));
        Assert.False(rule.TryTake(ref bucket, _clock.GetTimestamp()));
    }
}
