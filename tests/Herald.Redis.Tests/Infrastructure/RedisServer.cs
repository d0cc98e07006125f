using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace Herald.Redis.Tests.Infrastructure;

/// <summary>
/// A real redis-server as a child process on a free loopback port, with its own temporary directory. By default it
/// keeps nothing on disk, so a restart loses every key (Redis "lost its data"); <c>persistent: true</c> writes an
/// append-only file fsynced on every write, so a restart keeps them; <c>clusterNode: true</c> starts it as a node of a
/// Redis Cluster, without slots until <see cref="RedisCluster"/> gives it some; <c>replicaOf</c> starts it as a replica of
/// another; <see cref="StartSentinelAsync"/> starts a Sentinel instead. Disposing kills it by PID and deletes the directory.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string NotInstalledMessage = "redis-server not found: run .ci/run, or apt-get install redis-server";

    // What redis-server prints once it listens and has loaded its data (Redis 6 and 7), and a Sentinel once it monitors.
    private const string ReadyMarker = "Ready to accept connections";
    private const string SentinelReadyMarker = "+monitor master";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    // A port found free can be taken before redis-server binds it; a new one is tried this many times.
    private const int PortAttempts = 5;

    private readonly string _executable;
    private readonly DirectoryInfo _directory;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    private readonly int? _replicaOf;
    private readonly (string Service, int PrimaryPort)? _sentinelOf;

    private RedisServer(string executable, DirectoryInfo directory, bool persistent, bool clusterNode, int? replicaOf, (string, int)? sentinelOf)
    {
        _executable = executable;
        _directory = directory;
        Persistent = persistent;
        ClusterNode = clusterNode;
        _replicaOf = replicaOf;
        _sentinelOf = sentinelOf;
    }

    public bool Persistent { get; }

    public bool ClusterNode { get; }

    public int Port { get; private set; }

    /// <summary>The PID of the running redis-server; the last one's after it stopped.</summary>
    public int Pid { get; private set; }

    public bool IsPaused { get; private set; }

    /// <summary>A StackExchange.Redis configuration string: what <c>Herald:Redis:Configuration</c> takes.</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)},abortConnect=false";

    /// <summary>Everything redis-server printed, across restarts: for the message of a failing assertion.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Starts a server and waits until it is ready and answers PING.</summary>
    /// <param name="persistent">Keep the keys across <see cref="RestartAsync"/> (append-only file, fsync always).</param>
    /// <param name="searchPath">Where to look for redis-server, in PATH's format; PATH itself by default.</param>
    /// <param name="clusterNode">Start it with cluster mode on (its node configuration in its own directory).</param>
    /// <param name="replicaOf">The port of the loopback primary it replicates, if it is a replica.</param>
    public static Task<RedisServer> StartAsync(bool persistent = false, string? searchPath = null, bool clusterNode = false, int? replicaOf = null) =>
        StartAsync(persistent, searchPath, clusterNode, replicaOf, sentinelOf: null);

    /// <summary>
    /// Starts a Sentinel that monitors the loopback primary on <paramref name="primaryPort"/> as <paramref name="service"/>,
    /// alone (quorum 1), counting it down after 1 s without an answer: a failover takes a few seconds.
    /// </summary>
    public static Task<RedisServer> StartSentinelAsync(string service, int primaryPort) =>
        StartAsync(persistent: false, searchPath: null, clusterNode: false, replicaOf: null, sentinelOf: (service, primaryPort));

    private static async Task<RedisServer> StartAsync(bool persistent, string? searchPath, bool clusterNode, int? replicaOf, (string, int)? sentinelOf)
    {
        var executable = FindExecutable(searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            ?? throw new InvalidOperationException(NotInstalledMessage);
        var server = new RedisServer(executable, Directory.CreateTempSubdirectory("herald-redis-"), persistent, clusterNode, replicaOf, sentinelOf);
        try
        {
            var started = false;
            for (var attempt = 1; !started && attempt <= PortAttempts; attempt++)
            {
                server.Port = HeraldProcess.FreePort();
                started = await server.TryStartAsync();
            }

            if (!started)
            {
                throw new InvalidOperationException($"redis-server did not start on a free port in {PortAttempts} attempts:\n{server.Output}");
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Connects a multiplexer to this server; <paramref name="configure"/> may shorten its timeouts.</summary>
    public Task<ConnectionMultiplexer> ConnectAsync(Action<ConfigurationOptions>? configure = null)
    {
        var options = ConfigurationOptions.Parse(ConnectionString);
        configure?.Invoke(options);
        return ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>Whether it answers a PING within <paramref name="timeout"/>.</summary>
    public Task<bool> PingAsync(TimeSpan timeout) => RespPing.PongAsync(Port, timeout);

    /// <summary>Stops it as a service manager does (SIGTERM) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        // A stopped process keeps SIGTERM pending until it runs again.
        await ResumeAsync();
        await Signals.SendAsync(Pid, "TERM");
        await WaitForExitAsync();
    }

    /// <summary>Kills it (SIGKILL), as a crash or the OOM killer would, and waits for it to be gone.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        await Signals.SendAsync(Pid, "KILL");
        IsPaused = false;
        await WaitForExitAsync();
    }

    /// <summary>
    /// Stops it (gracefully unless <paramref name="kill"/>) and starts it again on the same port and directory: the
    /// keys survive only when <see cref="Persistent"/>.
    /// </summary>
    public async Task RestartAsync(bool kill = false)
    {
        await (kill ? KillAsync() : StopAsync());
        if (!await TryStartAsync())
        {
            throw new InvalidOperationException($"redis-server did not start again on port {Port}:\n{Output}");
        }
    }

    /// <summary>Freezes it (SIGSTOP): its port still accepts connections, but nothing is answered.</summary>
    public async Task PauseAsync()
    {
        await Signals.SendAsync(Pid, "STOP");
        IsPaused = true;
    }

    /// <summary>Lets a paused server run again (SIGCONT).</summary>
    public async Task ResumeAsync()
    {
        if (IsPaused)
        {
            await Signals.SendAsync(Pid, "CONT");
            IsPaused = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        _directory.Delete(recursive: true);
    }

    private static string? FindExecutable(string searchPath) =>
        searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "redis-server"))
            .FirstOrDefault(File.Exists);

    /// <returns>True once it is ready and answers PING; false when it exited first (its port was taken).</returns>
    private async Task<bool> TryStartAsync()
    {
        _process?.Dispose();
        var startInfo = new ProcessStartInfo(_executable)
        {
            WorkingDirectory = _directory.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments())
        {
            startInfo.ArgumentList.Add(argument);
        }

        _output.Enqueue($"--- redis-server {string.Join(' ', startInfo.ArgumentList)}");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("could not start redis-server");
        _process = process;
        Pid = process.Id;
        process.OutputDataReceived += (_, e) => OnOutput(e.Data, ready);
        process.ErrorDataReceived += (_, e) => OnOutput(e.Data, ready);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Its own ready line, not only a PONG: another server may answer on a port this one failed to bind.
        var exited = process.WaitForExitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (await Task.WhenAny(ready.Task, exited).WaitAsync(StartTimeout, TestContext.Current.CancellationToken) == exited)
            {
                return false;
            }
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"redis-server on port {Port} was not ready within {StartTimeout.TotalSeconds} s:\n{Output}", exception);
        }

        if (!await PingAsync(StartTimeout))
        {
            throw new InvalidOperationException($"redis-server on port {Port} said it was ready but did not answer PING:\n{Output}");
        }

        return true;
    }

    private IEnumerable<string> Arguments()
    {
        if (_sentinelOf is var (service, primaryPort))
        {
            // A Sentinel takes its monitoring from a file it rewrites as it learns the replicas and failovers.
            var configuration = Path.Combine(_directory.FullName, "sentinel.conf");
            File.WriteAllLines(configuration,
            [
                $"port {Port.ToString(CultureInfo.InvariantCulture)}",
                "bind 127.0.0.1",
                $"dir {_directory.FullName}",
                $"sentinel monitor {service} 127.0.0.1 {primaryPort.ToString(CultureInfo.InvariantCulture)} 1",
                $"sentinel down-after-milliseconds {service} 1000",
                $"sentinel failover-timeout {service} 5000",
            ]);
            return [configuration, "--sentinel"];
        }

        string[] common =
        [
            "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--daemonize", "no",
            "--dir", _directory.FullName,
            // An empty "save" turns RDB snapshots off: the append-only file, when on, is the only copy on disk.
            "--save", string.Empty,
        ];
        string[] persistence = Persistent
            ? ["--appendonly", "yes", "--appendfsync", "always"]
            : ["--appendonly", "no"];
        string[] cluster = ClusterNode
            ? ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000"]
            : [];
        string[] replica = _replicaOf is { } primary ? ["--replicaof", "127.0.0.1", primary.ToString(CultureInfo.InvariantCulture)] : [];
        return common.Concat(persistence).Concat(cluster).Concat(replica);
    }

    private async Task WaitForExitAsync()
    {
        try
        {
            await _process!.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(StopTimeout);
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"redis-server (PID {Pid}) did not exit within {StopTimeout.TotalSeconds} s:\n{Output}", exception);
        }
    }

    private void OnOutput(string? line, TaskCompletionSource ready)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (line.Contains(_sentinelOf is null ? ReadyMarker : SentinelReadyMarker, StringComparison.Ordinal))
        {
            ready.TrySetResult();
        }
    }
}
