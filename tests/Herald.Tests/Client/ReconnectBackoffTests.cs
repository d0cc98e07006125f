using Herald.Client;
using Herald.Client.Subscribing;

namespace Herald.Tests.Client;

/// <summary>Exponential backoff with full jitter, computed without a clock.</summary>
public sealed class ReconnectBackoffTests
{
    private static readonly HeraldReconnectPolicy Policy = new()
    {
        InitialDelay = TimeSpan.FromMilliseconds(100),
        MaxDelay = TimeSpan.FromSeconds(1),
        Multiplier = 3,
    };

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 300)]
    [InlineData(3, 900)]
    [InlineData(4, 1000)]
    [InlineData(1000, 1000)]
    [InlineData(int.MaxValue, 1000)]
    public void Ceiling_GrowsByTheMultiplierUpToMaxDelay(int attempt, int expectedMilliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), ReconnectBackoff.Ceiling(Policy, attempt));

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.5, 450)]
    [InlineData(0.999, 899.1)]
    public void Delay_IsTheRandomShareOfTheCeiling(double random, double expectedMilliseconds) =>
        Assert.Equal(expectedMilliseconds, ReconnectBackoff.Delay(Policy, 3, random).TotalMilliseconds, precision: 3);

    [Fact]
    public void Delay_WithTheDefaults_StaysWithinHalfASecondAtFirstAndThirtySecondsLater()
    {
        Assert.True(ReconnectBackoff.Delay(HeraldReconnectPolicy.Default, 1, 0.999) < TimeSpan.FromMilliseconds(500));
        Assert.Equal(TimeSpan.FromSeconds(30), ReconnectBackoff.Ceiling(HeraldReconnectPolicy.Default, 50));
    }

    [Fact]
    public void Ceiling_MultiplierOne_IsConstant() =>
        Assert.Equal(TimeSpan.FromMilliseconds(100), ReconnectBackoff.Ceiling(Policy with { Multiplier = 1 }, 20));
}
