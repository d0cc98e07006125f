using Herald.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Herald.Tests.Auth;

/// <summary><c>Herald:Api</c> is checked at start, each failure naming its key and what it accepts.</summary>
public sealed class ApiOptionsValidationTests
{
    private const string HowTo = "the SHA-256 of the key as 64 hexadecimal characters, e.g. from printf %s \"$KEY\" | sha256sum (without its trailing \"  -\")";

    [Fact]
    public async Task Start_BrokenKeys_FailsNamingEachKeyAndRule()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => HeraldTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Herald:Api:Keys:short:Hash"] = "abc123",
            ["Herald:Api:Keys:nothex:Hash"] = new string('g', 64),
            ["Herald:Api:Keys:nohash:Scope"] = "Admin",
            ["Herald:Api:Keys:badscope:Hash"] = TestApiKeys.HashOf("k1"),
            ["Herald:Api:Keys:badscope:Scope"] = "Root",
            ["Herald:Api:Keys:bad name:Hash"] = TestApiKeys.HashOf("k2"),
        }));

        Assert.Contains($"Herald:Api:Keys:short:Hash must be {HowTo} (was 6 characters).", failure.Failures);
        Assert.Contains($"Herald:Api:Keys:nothex:Hash must be {HowTo} (character 1 is not 0-9, a-f or A-F).", failure.Failures);
        Assert.Contains($"Herald:Api:Keys:nohash:Hash is required: {HowTo}.", failure.Failures);
        Assert.Contains("Herald:Api:Keys:badscope:Scope must be Publish or Admin (was 'Root').", failure.Failures);
        Assert.Contains("Herald:Api:Keys:bad name: a key's name must be 1 to 64 characters of A-Z a-z 0-9 . _ - (it is what logs and metrics show).", failure.Failures);
        Assert.Equal(5, failure.Failures.Count());
    }

    [Fact]
    public async Task Start_KeyItselfInPlaceOfItsHash_FailsWithoutQuotingIt()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => HeraldTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Herald:Api:Keys:backend:Hash"] = TestApiKeys.Backend,
        }));

        Assert.Equal($"Herald:Api:Keys:backend:Hash must be {HowTo} (was {TestApiKeys.Backend.Length} characters).", Assert.Single(failure.Failures));
        Assert.DoesNotContain(TestApiKeys.Backend, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_TwoNamesForOneKey_Fails()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => HeraldTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Herald:Api:Keys:first:Hash"] = TestApiKeys.HashOf("same"),
            ["Herald:Api:Keys:second:Hash"] = TestApiKeys.HashOf("same").ToUpperInvariant(),
        }));

        Assert.Equal("Herald:Api:Keys:first:Hash and Herald:Api:Keys:second:Hash are the same: each key needs a value of its own.", Assert.Single(failure.Failures));
    }

    [Fact]
    public async Task Start_RateOutOfRange_FailsNamingTheRange()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => HeraldTestServer.StartAsync(o =>
        {
            o.Api.RequestsPerSecond = -1;
            o.Api.RequestBurst = 0;
        }));

        Assert.Contains("Herald:Api:RequestsPerSecond must be between 0 (no limit) and 1000000 (was -1).", failure.Failures);
        Assert.Contains("Herald:Api:RequestBurst must be between 1 and 10000000 (was 0).", failure.Failures);
    }

    [Fact]
    public async Task Start_BurstBelowRate_Fails()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => HeraldTestServer.StartAsync(o =>
        {
            o.Api.RequestsPerSecond = 500;
            o.Api.RequestBurst = 100;
        }));

        Assert.Equal(
            "Herald:Api:RequestBurst (100) must be at least Herald:Api:RequestsPerSecond (500): the bucket is refilled once a second, so a smaller one could never reach the rate.",
            Assert.Single(failure.Failures));
    }

    [Fact]
    public async Task Start_KeysFromConfiguration_AreBoundWithScopesInAnyCase()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Herald:Api:Keys:backend:Hash"] = TestApiKeys.HashOf(TestApiKeys.Backend).ToUpperInvariant(),
            ["Herald:Api:Keys:ops:Hash"] = TestApiKeys.HashOf(TestApiKeys.Ops),
            ["Herald:Api:Keys:ops:Scope"] = "admin",
        });

        var api = server.Services.GetRequiredService<IOptions<HeraldOptions>>().Value.Api;

        Assert.Equal(HeraldApiKeyOptions.PublishScope, api.Keys["backend"].Scope);
        Assert.Equal("admin", api.Keys["ops"].Scope);
        Assert.Equal((HeraldApiOptions.DefaultRequestsPerSecond, HeraldApiOptions.DefaultRequestBurst), (api.RequestsPerSecond, api.RequestBurst));
        using var stats = await server.Http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, "/api/v1/stats", TestApiKeys.Ops), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, stats.StatusCode);
    }

    [Fact]
    public async Task Start_KeyConfiguredInCode_IsInForce()
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.Api.Keys["code"] = new HeraldApiKeyOptions { Hash = TestApiKeys.HashOf("hk_code"), Scope = HeraldApiKeyOptions.AdminScope });

        using var stats = await server.Http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, "/api/v1/stats", "hk_code"), TestContext.Current.CancellationToken);
        using var anonymous = await server.Http.GetAsync("/api/v1/stats", TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.OK, stats.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
