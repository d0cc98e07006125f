using System.Text.Json;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Api;

/// <summary>
/// The demo page in a real browser: tests/browser's suite (Playwright driving Debian's Chromium, node's test runner)
/// against a real server with the page on. It connects, shows what /send pushes, sends from its own form, subscribes
/// to a topic, resumes after the backend disconnected the user, after a dropped network (through a proxy) and after a
/// reload, and says so when the history could not cover the gap. demo-restart.test.js starts the built standalone
/// server itself, on an address this test picks, so that it can restart it.
/// </summary>
public sealed class DemoPageBrowserTests
{
    private static readonly TimeSpan SuiteTimeout = TimeSpan.FromMinutes(3);

    // Short, so that the suite can outrun it and see a stream not recovered; passed to the suite, which sends fewer
    // messages than this to a user everywhere else.
    private const int HistoryMaxMessages = 5;

    [Fact]
    public async Task BrowserSuite_AgainstARealServer_Passes()
    {
        BrowserSuite.RequireInstalled();
        await using var server = await HeraldTestServer.StartAsync(options =>
        {
            options.DemoPage = true;
            options.HistoryMaxMessages = HistoryMaxMessages;
        });
        var restartUrl = $"http://127.0.0.1:{HeraldProcess.FreePort()}/";
        string[] herald =
        [
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            Path.Combine(AppContext.BaseDirectory, "Herald.Server.dll"),
            "--urls", restartUrl.TrimEnd('/'),
            "--Logging:LogLevel:Default=Warning",
        ];
        var environment = new Dictionary<string, string>
        {
            ["HERALD_URL"] = server.BaseAddress.ToString(),
            ["HERALD_COMMAND"] = JsonSerializer.Serialize(herald),
            ["HERALD_RESTART_URL"] = restartUrl,
            ["HERALD_HISTORY_MAX_MESSAGES"] = HistoryMaxMessages.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        await BrowserSuite.RunAsync("test/", environment, SuiteTimeout);
    }

}
