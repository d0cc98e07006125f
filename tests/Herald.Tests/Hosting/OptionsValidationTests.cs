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
    public async Task Start_InvalidHistoryAndPublishLimits_FailNamingEachKeyAndRange()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => HeraldTestServer.StartAsync(o =>
        {
            o.HistoryMaxMessages = 0;
            o.HistoryMaxAge = TimeSpan.FromDays(2);
            o.IdempotencyWindow = TimeSpan.Zero;
            o.MaxIdempotencyKeys = 0;
            o.MaxIdempotencyBytes = 1024;
            o.MaxTopicsPerConnection = 0;
            o.MaxPublishTargets = 100_001;
            o.MaxBatchMessages = 0;
            o.MaxBatchBytes = 1024;
        }));

        Assert.Contains("Herald:HistoryMaxMessages must be between 1 and 1000000 (was 0).", failure.Failures);
        Assert.Contains(failure.Failures, f => f.StartsWith("Herald:HistoryMaxAge must be a duration above zero and up to 1.00:00:00", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.StartsWith("Herald:IdempotencyWindow must be a duration above zero and up to 1.00:00:00", StringComparison.Ordinal));
        Assert.Contains("Herald:MaxIdempotencyKeys must be between 1 and 10000000 (was 0).", failure.Failures);
        Assert.Contains("Herald:MaxIdempotencyBytes must be between 1048576 and 9223372036854775807 (was 1024).", failure.Failures);
        Assert.Contains("Herald:MaxTopicsPerConnection must be between 1 and 10000 (was 0).", failure.Failures);
        Assert.Contains("Herald:MaxPublishTargets must be between 1 and 100000 (was 100001).", failure.Failures);
        Assert.Contains("Herald:MaxBatchMessages must be between 1 and 100000 (was 0).", failure.Failures);
        Assert.Contains("Herald:MaxBatchBytes must be between 65536 and 2147483647 (was 1024).", failure.Failures);
    }

    [Fact]
    public async Task Start_InvalidClientLimits_FailNamingEachKeyAndRange()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => HeraldTestServer.StartAsync(o =>
        {
            o.MaxConnectionsPerUser = 0;
            o.ClientMessagesPerSecond = -1;
            o.ClientMessageBurst = 0;
        }));

        Assert.Contains("Herald:MaxConnectionsPerUser must be between 1 and 1000000 (was 0).", failure.Failures);
        Assert.Contains("Herald:ClientMessagesPerSecond must be between 0 and 100000 (was -1).", failure.Failures);
        Assert.Contains("Herald:ClientMessageBurst must be between 1 and 1000000 (was 0).", failure.Failures);
    }

    [Fact]
    public async Task Start_InvalidForwardedHeaders_FailNamingEachEntry()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => HeraldTestServer.StartAsync(o =>
        {
            o.ForwardedHeaders.Header = "X-Real-IP";
            o.ForwardedHeaders.KnownProxies.Add("10");
            o.ForwardedHeaders.KnownProxies.Add("10.0.0.0/8");
            o.ForwardedHeaders.KnownNetworks.Add("10.0.0.1/8");
            o.ForwardedHeaders.KnownNetworks.Add("0.0.0.0/0");
        }));

        Assert.Equal(
            [
                "Herald:ForwardedHeaders:Header must be X-Forwarded-For or Forwarded (was 'X-Real-IP').",
                "Herald:ForwardedHeaders:KnownProxies has '10', which is not an IP address such as 10.0.0.5 or 2001:db8::5 (list networks under KnownNetworks).",
                "Herald:ForwardedHeaders:KnownProxies has '10.0.0.0/8', which is not an IP address such as 10.0.0.5 or 2001:db8::5 (list networks under KnownNetworks).",
                "Herald:ForwardedHeaders:KnownNetworks has '10.0.0.1/8', which is not a network in CIDR notation such as 10.0.0.0/8 or 2001:db8::/32 (with no address bits set after the prefix).",
                "Herald:ForwardedHeaders:KnownNetworks has '0.0.0.0/0', which would make every peer a proxy and let any client name its own address.",
            ],
            failure.Failures);
    }

    [Fact]
    public async Task Start_InvalidConnectionLimits_FailNamingEachKeyAndRange()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => HeraldTestServer.StartAsync(o =>
        {
            o.MaxConnectionsPerIp = -1;
            o.MaxPendingLogins = 0;
        }));

        Assert.Contains("Herald:MaxConnectionsPerIp must be between 0 and 1000000 (was -1).", failure.Failures);
        Assert.Contains("Herald:MaxPendingLogins must be between 1 and 1000000 (was 0).", failure.Failures);
    }

    [Fact]
    public async Task Start_MessageBurstNoMoreThanTopicsPerConnection_FailsSayingAReconnectNeedsRoom()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => HeraldTestServer.StartAsync(o =>
        {
            o.MaxTopicsPerConnection = 200;
            o.ClientMessageBurst = 200;
        }));

        Assert.Equal(
            "Herald:ClientMessageBurst (200) must be more than Herald:MaxTopicsPerConnection (200), so that a herald.v1 client that reconnects can log in and subscribe again to all its topics at once.",
            Assert.Single(failure.Failures));
    }

    [Fact]
    public async Task Start_HistoryTooSmallForFourOfTheLargestMessages_Fails()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => HeraldTestServer.StartAsync(o =>
        {
            o.HistoryMaxBytes = 1024 * 1024;
            o.MaxMessageBytes = 1024 * 1024;
            o.MaxQueuedBytes = 4 * 1024 * 1024;
        }));

        Assert.Equal(
            "Herald:HistoryMaxBytes (1048576) must be at least 4 × Herald:MaxMessageBytes (4194304), so that the history holds more than one of the largest messages.",
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
