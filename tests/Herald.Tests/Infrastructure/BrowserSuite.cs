namespace Herald.Tests.Infrastructure;

/// <summary>
/// Runs a folder of tests/browser (Playwright driving Debian's Chromium, node's test runner) against servers a test
/// started: it checks that the suite's packages and the browser are installed, passes the browser's path on, and
/// fails with the suite's output when the suite fails.
/// </summary>
public static class BrowserSuite
{
    private static readonly string SuiteDirectory = RepositoryFiles.PathOf("tests", "browser");

    /// <summary>Debian's Chromium, or the one CHROMIUM_PATH names.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";

    /// <summary>Fails at once, saying how to install it, when the suite's packages or the browser are missing.</summary>
    public static void RequireInstalled()
    {
        NodeProcess.RequireInstalled(Path.Combine(SuiteDirectory, "node_modules", "playwright-core", "package.json"), "tests/browser");
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: run .ci/run, which installs Debian's chromium (apt-get install chromium).");
    }

    /// <param name="folder">The suite's folder under tests/browser (<c>admin/</c>).</param>
    /// <param name="environment">What the suite reads: the servers' addresses, keys.</param>
    /// <param name="timeout">The whole suite's.</param>
    /// <param name="moreOutput">Added to the failure's message (a process's own output).</param>
    public static async Task RunAsync(string folder, Dictionary<string, string> environment, TimeSpan timeout, Func<string>? moreOutput = null)
    {
        RequireInstalled();
        environment["CHROMIUM_PATH"] = ChromiumPath;
        var run = await NodeProcess.RunAsync(SuiteDirectory, ["node", "--test", "--test-reporter=spec", folder], environment, timeout);
        Assert.True(run.ExitCode == 0, $"the browser suite {folder} failed (exit code {run.ExitCode}):\n{run.Output}{(moreOutput is null ? "" : $"\n\n{moreOutput()}")}");
    }
}
