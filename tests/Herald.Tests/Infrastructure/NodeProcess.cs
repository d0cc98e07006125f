using System.Diagnostics;
using System.Text;

namespace Herald.Tests.Infrastructure;

/// <summary>
/// A Node.js command (a suite of node's test runner) run by a test: in a folder of the repository, with a deadline
/// past which its whole process tree is killed by PID, its standard output and error kept together for the assertion.
/// </summary>
public static class NodeProcess
{
    /// <summary>Fails the test with the way to fix it when <paramref name="path"/> (in a folder's node_modules) is missing.</summary>
    public static void RequireInstalled(string path, string folder) =>
        Assert.True(File.Exists(path), $"{path} is missing: run .ci/run, or `npm ci` in {folder} (Node.js 20 or later), before dotnet test.");

    /// <summary>Runs <paramref name="command"/> in <paramref name="directory"/>; fails the test if it is still running after <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string directory, string[] command, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var startInfo = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = directory,
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
            // The tree, not just node: a browser it launched must not outlive the test.
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
