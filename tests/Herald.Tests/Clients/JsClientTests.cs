using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Clients;

/// <summary>
/// The browser client of clients/js: its committed build is what its TypeScript compiles to, and its own suite
/// (node's test runner, test/*.test.js) passes against real servers, one open and one that checks tokens.
/// </summary>
public sealed class JsClientTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan SuiteTimeout = TimeSpan.FromMinutes(3);
    private static readonly string ClientDirectory = RepositoryFiles.PathOf("clients", "js");

    [Fact]
    public async Task CommittedDist_IsWhatTheTypeScriptCompilesTo()
    {
        using var temp = new TempDirectory();
        var output = temp.PathOf("dist");
        var compiler = Path.Combine(ClientDirectory, "node_modules", "typescript", "bin", "tsc");
        RequireNodeModules(compiler);

        var run = await RunAsync(["node", compiler, "-p", "tsconfig.json", "--outDir", output], new Dictionary<string, string>(), BuildTimeout);

        Assert.True(run.ExitCode == 0, $"tsc failed:\n{run.Output}");
        foreach (var file in new[] { "herald-client.js", "herald-client.d.ts" })
        {
            Assert.True(
                File.ReadAllBytes(Path.Combine(output, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(ClientDirectory, "dist", file))),
                $"clients/js/dist/{file} is not what clients/js/src compiles to: run `npm run build` in clients/js and commit dist/.");
        }
    }

    [Fact]
    public async Task NodeSuite_AgainstRealServers_Passes()
    {
        RequireNodeModules(Path.Combine(ClientDirectory, "node_modules", "typescript", "package.json"));
        var secret = RandomNumberGenerator.GetBytes(32);

        // The open server keeps a short history, so that the suite can outrun it and see a stream not recovered.
        await using var open = await HeraldTestServer.StartAsync(options => options.HistoryMaxMessages = 5);
        await using var tokens = await HeraldTestServer.StartAsync(options =>
        {
            options.Tokens.SecretBase64 = Convert.ToBase64String(secret);
            options.Tokens.ClockSkew = TimeSpan.Zero;
        });
        var environment = new Dictionary<string, string>
        {
            ["HERALD_URL"] = open.BaseAddress.ToString(),
            ["HERALD_TOKEN_URL"] = tokens.BaseAddress.ToString(),
            ["HERALD_TOKEN_SECRET"] = Convert.ToBase64String(secret),
        };

        var run = await RunAsync(["node", "--experimental-websocket", "--test", "--test-reporter=spec", "test/"], environment, SuiteTimeout);

        Assert.True(run.ExitCode == 0, $"node --test failed (exit code {run.ExitCode}):\n{run.Output}");
    }

    private static void RequireNodeModules(string path) =>
        Assert.True(File.Exists(path), $"{path} is missing: run .ci/run, or `npm ci` in clients/js (Node.js 20 or later), before dotnet test.");

    /// <summary>Runs a command in clients/js with a deadline; past it, the whole process tree is killed (by PID).</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(string[] command, Dictionary<string, string> environment, TimeSpan timeout)
    {
        var startInfo = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = ClientDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, line) => Append(output, line.Data);
        process.ErrorDataReceived += (_, line) => Append(output, line.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            Assert.Fail($"Cannot start {command[0]} ({exception.Message}): install Node.js 20 or later (.ci/run does).");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            Assert.Fail($"{string.Join(' ', command)} did not finish within {timeout}; killed. Output:\n{Text(output)}");
        }

        // WaitForExitAsync returns once the output streams have ended too, so the output is complete here.
        return (process.ExitCode, Text(output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
