using Herald.Tests.Infrastructure;

namespace Herald.Tests.Api;

/// <summary>
/// The dashboard in a real browser: tests/browser/admin (Playwright driving Debian's Chromium, node's test runner)
/// against two real servers with the page on, one without API keys and one with them. It shows the live counts,
/// pushes to a connected seed client and, to a topic, a user and everyone, to the demo page (a herald.v1 page of the JS
/// client), looks a user's connection up, disconnects it with 4004, and without a key shows the API's refusal until the
/// Admin key is given.
/// </summary>
public sealed class AdminPageBrowserTests
{
    private static readonly TimeSpan SuiteTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task BrowserSuite_AgainstRealServers_Passes()
    {
        BrowserSuite.RequireInstalled();
        // The demo page too: the real herald.v1 page that receives what the dashboard pushes.
        await using var open = await HeraldTestServer.StartAsync(options =>
        {
            options.AdminPage = true;
            options.DemoPage = true;
        });
        await using var keyed = await HeraldTestServer.StartAsync(settings: TestApiKeys.Settings(("Herald:AdminPage", "true")));
        var environment = new Dictionary<string, string>
        {
            ["HERALD_URL"] = open.BaseAddress.ToString(),
            ["HERALD_KEYED_URL"] = keyed.BaseAddress.ToString(),
            ["HERALD_ADMIN_KEY"] = TestApiKeys.Ops,
            ["HERALD_PUBLISH_KEY"] = TestApiKeys.Backend,
        };

        await BrowserSuite.RunAsync("admin/", environment, SuiteTimeout);
    }

}
