using Herald.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Herald.Tests.Hosting;

public sealed class OptionsValidationTests
{
    [Fact]
    public async Task Start_InvalidOptions_FailsNamingEveryBadKey()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => HeraldTestServer.StartAsync(o =>
        {
            o.MaxUserIdLength = 0;
            o.LoginTimeout = TimeSpan.Zero;
            o.KeepAliveInterval = TimeSpan.FromSeconds(-1);
            o.MaxQueuedBytes = 10;
        }));

        Assert.Contains("Herald:MaxUserIdLength must be between 1 and 4096 (was 0).", failure.Failures);
        Assert.Contains("Herald:LoginTimeout must be a duration above zero and up to 01:00:00, written like 00:00:10 (was 00:00:00; note that a bare number such as 10 means days).", failure.Failures);
        Assert.Contains(failure.Failures, f => f.StartsWith("Herald:KeepAliveInterval must be zero (off) or a duration up to 01:00:00", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.StartsWith("Herald:MaxQueuedBytes (10) must be at least Herald:MaxMessageBytes (65536)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_ClientMessageLimitTooSmallForLongestLogin_Fails()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => HeraldTestServer.StartAsync(o =>
        {
            o.MaxUserIdLength = 1000;
            o.MaxClientMessageBytes = 4096;
        }));

        Assert.Contains(failure.Failures, f => f.StartsWith("Herald:MaxClientMessageBytes (4096) must be at least 6016", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_DurationWrittenAsBareNumber_FailsExplainingItMeansDays()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => HeraldTestServer.StartAsync(o => o.CloseTimeout = TimeSpan.Parse("10", System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(
            "Herald:CloseTimeout must be a duration above zero and up to 01:00:00, written like 00:00:10 (was 10.00:00:00; note that a bare number such as 10 means days).",
            Assert.Single(failure.Failures));
    }

    [Fact]
    public async Task Start_DefaultOptions_AreValid()
    {
        await using var server = await HeraldTestServer.StartAsync();

        var options = server.Services.GetRequiredService<IOptions<HeraldOptions>>().Value;

        Assert.Equal(HeraldOptions.DefaultLoginTimeout, options.LoginTimeout);
        Assert.Equal(HeraldOptions.DefaultMaxQueuedBytes, options.MaxQueuedBytes);
    }
}
