using System.Diagnostics;
using System.Text.Json;

namespace Herald.Tests.Bench;

/// <summary>The built load generator (Herald.Bench.dll beside the tests) run as a process, with a bound on its run time.</summary>
public static class BenchProcess
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs the generator with <paramref name="arguments"/> to its end (killing it after <paramref name="timeout"/>).</summary>
    public static async Task<BenchOutcome> RunAsync(IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Herald.Bench.dll"));
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(timeout ?? DefaultTimeout, TestContext.Current.CancellationToken);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return new BenchOutcome(process.ExitCode, await output, await errors);
    }

    /// <summary>Runs a scenario against <paramref name="baseAddress"/> and returns its JSON result, failing the test if it did not succeed.</summary>
    public static async Task<JsonElement> RunScenarioAsync(Uri baseAddress, params string[] arguments)
    {
        var outcome = await RunAsync(arguments.Append("--url").Append(baseAddress.ToString().TrimEnd('/')));
        return outcome.Json();
    }
}

/// <summary>How a generator run ended: its exit code and everything it printed.</summary>
public sealed record BenchOutcome(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The JSON document before the Markdown on stdout, after checking the run succeeded.</summary>
    public JsonElement Json()
    {
        Assert.True(ExitCode == 0, $"Herald.Bench exited with {ExitCode}:\n{Stderr}\n{Stdout}");
        var end = Stdout.IndexOf("\n\n", StringComparison.Ordinal);
        using var document = JsonDocument.Parse(end < 0 ? Stdout : Stdout[..end]);
        return document.RootElement.Clone();
    }
}
