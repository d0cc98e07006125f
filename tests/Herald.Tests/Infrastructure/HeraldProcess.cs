using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Herald.Tests.Infrastructure;

/// <summary>
/// A built app of this repository as a child process, by default the standalone host src/Herald.Server: what
/// <c>dotnet run</c> starts. Disposing kills it (by PID) if it is still running.
/// </summary>
public sealed class HeraldProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _readyMarker;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HeraldProcess(Process process, string readyMarker)
    {
        _process = process;
        _readyMarker = readyMarker;
    }

    public string Output => string.Join('\n', _output);

    public int Id => _process.Id;

    /// <summary>
    /// Starts <paramref name="assembly"/> and waits until it prints <paramref name="readyMarker"/> (or exits).
    /// </summary>
    public static async Task<HeraldProcess> StartAsync(
        IEnumerable<string> arguments,
        IDictionary<string, string>? environment = null,
        bool waitForStart = true,
        string assembly = "Herald.Server.dll",
        string readyMarker = "Herald started on")
    {
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var name in new[] { "ASPNETCORE_URLS", "URLS", "HTTP_PORTS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT" })
        {
            startInfo.Environment.Remove(name);
        }

        startInfo.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {assembly}");
        var host = new HeraldProcess(process, readyMarker);
        process.OutputDataReceived += (_, e) => host.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => host.OnOutput(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (waitForStart)
        {
            Assert.True(await host.WaitUntilStartedAsync(), $"{assembly} exited before starting:\n{host.Output}");
        }

        return host;
    }

    /// <returns>True once the process has printed its ready marker; false when it exited first.</returns>
    public async Task<bool> WaitUntilStartedAsync()
    {
        var exited = _process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var first = await Task.WhenAny(_started.Task, exited).WaitAsync(StartTimeout, TestContext.Current.CancellationToken);
        return first == _started.Task;
    }

    /// <summary>A loopback TCP port that was free a moment ago.</summary>
    /// <summary>
    /// A loopback port free now, for a process that binds it later (or again, after a restart). Taken below the
    /// kernel's ephemeral range (32768-60999 on Linux), which outgoing connections draw from: a port from that range,
    /// free when asked, was at times taken by some connection of the busy suite before the process bound it.
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            var port = Random.Shared.Next(10_000, 20_000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use: another one.
            }
        }
    }

    /// <summary>Sends SIGTERM, as a service manager or container runtime does to stop the server.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(timeout, TestContext.Current.CancellationToken);
        return _process.ExitCode;
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (line.Contains(_readyMarker, StringComparison.Ordinal))
        {
            _started.TrySetResult();
        }
    }
}
