using System.Text.Json;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Samples;

/// <summary>
/// samples/TaskRunner's page in a real browser (tests/browser/samples, Playwright driving Debian's Chromium): a job's
/// bar fills live, survives a reload after the job ended, and survives a Herald restart mid-job. The suite starts
/// and restarts the built standalone server itself, on an address this test picks and the sample points at.
/// </summary>
public sealed class TaskRunnerBrowserTests
{
    private static readonly TimeSpan SuiteTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task SampleSuite_AgainstTheSampleAndARestartedHerald_Passes()
    {
        BrowserSuite.RequireInstalled();
        var heraldUrl = $"http://127.0.0.1:{HeraldProcess.FreePort()}/";
        var samplePort = HeraldProcess.FreePort();
        await using var sample = await HeraldProcess.StartAsync(
            ["--urls", $"http://127.0.0.1:{samplePort}", "--Herald:Url", heraldUrl],
            assembly: "TaskRunner.dll",
            readyMarker: "Now listening on");
        string[] herald =
        [
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            Path.Combine(AppContext.BaseDirectory, "Herald.Server.dll"),
            "--urls", heraldUrl.TrimEnd('/'),
            "--Logging:LogLevel:Default=Warning",
        ];
        var environment = new Dictionary<string, string>
        {
            ["HERALD_COMMAND"] = JsonSerializer.Serialize(herald),
            ["HERALD_URL"] = heraldUrl,
            ["TASKRUNNER_URL"] = $"http://127.0.0.1:{samplePort}/",
        };

        await BrowserSuite.RunAsync("samples/", environment, SuiteTimeout, () => $"the sample's output:\n{sample.Output}");
    }

}
