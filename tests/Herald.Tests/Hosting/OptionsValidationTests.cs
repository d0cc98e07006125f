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
        Assert.Contains("Herald:LoginTimeout must be a positive duration such as 00:00:10 (was 00:00:00).", failure.Failures);
        Assert.Contains(failure.Failures, f => f.StartsWith("Herald:KeepAliveInterval must be zero (off) or a positive duration", StringComparison.Ordinal));
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
    public async Task Start_DefaultOptions_AreValid()
    {
        await using var server = await HeraldTestServer.StartAsync();

        var options = server.Services.GetRequiredService<IOptions<HeraldOptions>>().Value;

        Assert.Equal(HeraldOptions.DefaultLoginTimeout, options.LoginTimeout);
        Assert.Equal(HeraldOptions.DefaultMaxQueuedBytes, options.MaxQueuedBytes);
    }
}
