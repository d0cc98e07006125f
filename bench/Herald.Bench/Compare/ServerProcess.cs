using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Herald.Bench.Cli;
using Herald.Bench.Platform;

namespace Herald.Bench.Compare;

/// <summary>
/// One server started by <c>compare</c> for one run: its own process on a free loopback port, ready once the port
/// takes connections. Disposing stops it by its PID and waits for it to exit, on success, failure or cancellation
/// alike: SIGTERM first, so that it ends as it would in production (a .NET server removes its diagnostics socket
/// from /tmp), then SIGKILL, with any children, if it has not exited within a few seconds. Its output is drained (a chatty server must never block on a full pipe) and its
/// last lines kept for the error message if it dies.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const int KeptLines = 20;
    private static readonly TimeSpan ListenPoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan TerminateTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Every server started and not yet disposed, for <see cref="KillAll"/>.</summary>
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lastLines = new();

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Pid => _process.Id;

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Starts <paramref name="command"/> on <paramref name="port"/> and waits until the port accepts a connection.</summary>
    /// <exception cref="BenchFailedException">The program would not start, exited first, or did not listen within <paramref name="startTimeout"/>.</exception>
    public static async Task<ServerProcess> StartAsync(ServerCommand command, int port, TimeSpan startTimeout, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(command.Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.ArgumentsFor(port))
        {
            startInfo.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new BenchFailedException($"--{command.Option}: '{command.Program}' did not start");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new BenchFailedException($"--{command.Option}: cannot start '{command.Program}': {exception.Message}");
        }

        var server = new ServerProcess(process, port);
        Running[process.Id] = process;
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilListeningAsync(command, startTimeout, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills every server still running, for a generator that must exit before its runs could clean up.</summary>
    public static void KillAll()
    {
        foreach (var process in Running.Values)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited && LibC.Kill(Pid, LibC.SignalTerminate) == 0)
            {
                await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TerminateTimeout);
            }
        }
        catch (TimeoutException)
        {
            // It did not end when asked: killed below.
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(ExitTimeout);
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine($"warning: server process {Pid} did not exit after it was killed: {exception.Message}");
        }
        finally
        {
            Running.TryRemove(Pid, out _);
            _process.Dispose();
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lastLines.Enqueue(line);
        while (_lastLines.Count > KeptLines && _lastLines.TryDequeue(out _))
        {
        }
    }

    private async Task WaitUntilListeningAsync(ServerCommand command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new BenchFailedException(
                    $"--{command.Option} exited with {_process.ExitCode} before it listened on port {Port}:\n{string.Join('\n', _lastLines)}");
            }

            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port), cancellationToken);
                return;
            }
            catch (SocketException)
            {
                // Not listening yet.
            }

            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                throw new BenchFailedException(
                    $"--{command.Option} did not listen on port {Port} within {timeout.TotalSeconds:0} s:\n{string.Join('\n', _lastLines)}");
            }

            await Task.Delay(ListenPoll, cancellationToken);
        }
    }
}
