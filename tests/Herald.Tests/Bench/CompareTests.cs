using System.Diagnostics;
using System.Text.Json;

namespace Herald.Tests.Bench;

/// <summary>
/// <c>compare</c> end to end: it starts two real servers per run (here both the built Herald.Server, tiny runs),
/// measures each, kills them, and prints both figures, their ratio and every run. Numbers are not judged.
/// </summary>
public sealed class CompareTests
{
    private static readonly TimeSpan CompareTimeout = TimeSpan.FromSeconds(240);

    [Fact]
    public async Task Compare_TwoHeraldProcesses_BothMeasuredEveryRunAndKilled()
    {
        var server = $"\"{Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet"}\" \"{Path.Combine(AppContext.BaseDirectory, "Herald.Server.dll")}\" --urls http://127.0.0.1:{{port}} --Logging:LogLevel:Default=Warning";

        var outcome = await BenchProcess.RunAsync(
        [
            "compare", "--herald", server, "--reference", server, "--runs", "2",
            "--connections", "5", "--warmup-connections", "0", "--idle-seconds", "1", "--settle-seconds", "0",
            "--users", "5", "--rate", "100", "--messages", "30", "--warmup", "0", "--seconds", "1", "--concurrency", "2",
        ], CompareTimeout);

        var comparison = outcome.Json();
        var scenarios = comparison.GetProperty("scenarios").EnumerateArray().ToArray();
        Assert.Equal(["idle", "latency", "throughput"], scenarios.Select(static s => s.GetProperty("scenario").GetString()));
        foreach (var scenario in scenarios)
        {
            var runs = scenario.GetProperty("runResults").EnumerateArray().ToArray();
            Assert.Equal(["herald", "reference"], runs.Select(static r => r.GetProperty("first").GetString()));
            foreach (var run in runs)
            {
                AssertMeasuredAndGone(run, "herald");
                AssertMeasuredAndGone(run, "reference");
            }

            foreach (var metric in scenario.GetProperty("metrics").EnumerateArray())
            {
                Assert.Equal(2, metric.GetProperty("heraldRuns").GetArrayLength());
                Assert.Equal(2, metric.GetProperty("referenceRuns").GetArrayLength());
            }

            Assert.Contains($"\n{scenario.GetProperty("scenario").GetString()} ", outcome.Stdout, StringComparison.Ordinal);
        }

        var latencyGc = scenarios[1].GetProperty("metrics").EnumerateArray().Single(static m => m.GetProperty("name").GetString() == "longest GC pause (ms)");
        Assert.Equal(JsonValueKind.Number, latencyGc.GetProperty("heraldMedian").ValueKind);
        Assert.Contains("| metric | better | Herald (median) | reference (median) | Herald / reference |", outcome.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--herald", "dotnet Herald.Server.dll", "must say where the port goes with {port}")]
    [InlineData("--scenarios", "fanout", "compare runs idle, latency, throughput; not 'fanout'")]
    [InlineData("--topic", "x", "none of the scenarios compared (idle, latency, throughput) takes --topic")]
    [InlineData("--url", "http://127.0.0.1:1", "compare sets --url itself")]
    public async Task Compare_BadCommandLine_RefusedWithUsage(string option, string value, string message)
    {
        var arguments = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["--herald"] = "dotnet Herald.Server.dll --urls http://127.0.0.1:{port}",
            ["--reference"] = "seed-go -addr 127.0.0.1:{port}",
            [option] = value,
        };

        var outcome = await BenchProcess.RunAsync(["compare", .. arguments.SelectMany(static a => new[] { a.Key, a.Value })]);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains(message, outcome.Stderr, StringComparison.Ordinal);
    }

    private static void AssertMeasuredAndGone(JsonElement run, string server)
    {
        Assert.Equal(JsonValueKind.Null, run.GetProperty(server + "Error").ValueKind);
        var result = run.GetProperty(server);
        Assert.True(result.GetProperty("run").GetProperty("serverHasStats").GetBoolean());
        var pid = result.GetProperty("run").GetProperty("serverPid").GetInt32();
        Assert.False(IsRunning(pid), $"the {server} server (PID {pid}) is still running");
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
