using Herald.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Tests.Auth;

/// <summary>What the start-up report says about access to the HTTP API.</summary>
public sealed class ApiAccessReportTests
{
    [Fact]
    public async Task Start_NoKeyConfigured_WarnsThatOnlyLoopbackMayCall()
    {
        await using var server = await HeraldTestServer.StartAsync();

        Assert.Contains(server.Logs.Entries, entry => entry.EventName == "InsecureDefault" && entry.Message ==
            "Insecure default in force: no API key is configured (Herald:Api:Keys), so the HTTP API (/send, /api/v1) serves loopback callers without a key and without a rate limit, " +
            "and refuses every other caller with 403; behind a reverse proxy on this host every caller is loopback, so configure keys before you expose it (docs/security.md)");
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.EventName == "ApiAccessInForce");
    }

    [Fact]
    public async Task Start_KeysConfigured_ReportsTheirNamesAndScopesAndNoWarning()
    {
        await using var server = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings());

        var report = Assert.Single(server.Logs.Entries, entry => entry.EventName == "ApiAccessInForce");
        Assert.Equal("HTTP API (/send, /api/v1) access: API keys backend (Publish), ops (Admin); a rate limit of 1000 requests a second per caller, in bursts of up to 2000", report.Message);
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.EventName == "InsecureDefault" && entry.Message.Contains("API key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_AppsOwnPoliciesAndNoKey_SaysTheAppDecides()
    {
        await using var server = await HeraldTestServer.StartAsync(
            settings: new Dictionary<string, string?> { ["Herald:Api:RequestsPerSecond"] = "0" },
            configureBuilder: builder => builder.Services.AddAuthorizationBuilder()
                .AddPolicy(HeraldApiAuthorization.PublishPolicy, policy => policy.RequireAuthenticatedUser())
                .AddPolicy(HeraldApiAuthorization.AdminPolicy, policy => policy.RequireAuthenticatedUser()));

        var report = Assert.Single(server.Logs.Entries, entry => entry.EventName == "ApiAccessInForce");
        Assert.Equal("HTTP API (/send, /api/v1) access: no API key; no rate limit (Herald:Api:RequestsPerSecond is 0); the app's own policy decides for Herald.Publish and Herald.Admin", report.Message);
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.EventName == "InsecureDefault" && entry.Message.Contains("API key", StringComparison.Ordinal));
    }
}
