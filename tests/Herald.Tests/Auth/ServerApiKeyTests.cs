using System.Net;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Auth;

/// <summary>API keys in the standalone host, configured as an operator would: environment variables over appsettings.json.</summary>
public sealed class ServerApiKeyTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StandaloneHost_KeyFromEnvironment_IsRequiredAndAccepted()
    {
        var port = HeraldProcess.FreePort();
        await using var host = await HeraldProcess.StartAsync(
            ["--urls", $"http://127.0.0.1:{port}"],
            new Dictionary<string, string>
            {
                ["Herald__Api__Keys__backend__Hash"] = TestApiKeys.HashOf(TestApiKeys.Backend),
                ["Herald__Api__Keys__backend__Scope"] = "Publish",
            });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var anonymous = await http.GetAsync("/send?uid=123&message=hi", Cancellation);
        using var withKey = await http.SendAsync(TestApiKeys.Bearer(HttpMethod.Get, "/send?uid=123&message=hi", TestApiKeys.Backend), Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("""{"delivered":0}""", await withKey.Content.ReadAsStringAsync(Cancellation));
        Assert.Contains("access: API keys backend (Publish)", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StandaloneHost_InvalidKeyHash_RefusesToStartNamingTheKey()
    {
        await using var host = await HeraldProcess.StartAsync(
            ["--urls", $"http://127.0.0.1:{HeraldProcess.FreePort()}", "--Herald:Api:Keys:backend:Hash=not-a-hash"], waitForStart: false);

        Assert.Equal(1, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Herald did not start: Herald:Api:Keys:backend:Hash must be the SHA-256 of the key", host.Output, StringComparison.Ordinal);
    }
}
