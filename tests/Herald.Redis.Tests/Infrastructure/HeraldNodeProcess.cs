using System.Globalization;

namespace Herald.Redis.Tests.Infrastructure;

/// <summary>
/// One Herald node as a child process (the standalone host, <see cref="HeraldProcess"/>) on a loopback port of its
/// own, configured by environment variables (<see cref="HeraldRedisSettings.EnvironmentFor"/>): for "a node is
/// killed" tests, where only a real process can die without running its shutdown.
/// </summary>
public sealed class HeraldNodeProcess : IAsyncDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    // A port found free can be taken before the host binds it; a new one is tried this many times.
    private const int PortAttempts = 3;

    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly IReadOnlyList<string> _arguments;
    private HeraldProcess? _process;

    private HeraldNodeProcess(IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> arguments)
    {
        _environment = environment;
        _arguments = arguments;
        Http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; private set; }

    /// <summary>The PID of the running host; the last one's after it died.</summary>
    public int Pid => Process.Id;

    public Uri BaseAddress => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    public Uri WebSocketUri => new($"ws://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/ws");

    /// <summary>A client of this node's HTTP API: pass paths relative to <see cref="BaseAddress"/>.</summary>
    public HttpClient Http { get; }

    /// <summary>What the current (or last) process printed.</summary>
    public string Output => Process.Output;

    private HeraldProcess Process => _process ?? throw new InvalidOperationException("the node has not started");

    /// <summary>Starts the standalone host with <paramref name="environment"/> and command-line <paramref name="arguments"/>.</summary>
    public static async Task<HeraldNodeProcess> StartAsync(IReadOnlyDictionary<string, string>? environment = null, IEnumerable<string>? arguments = null)
    {
        var node = new HeraldNodeProcess(environment ?? new Dictionary<string, string>(), [.. arguments ?? []]);
        try
        {
            var started = false;
            for (var attempt = 1; !started && attempt <= PortAttempts; attempt++)
            {
                node.Port = HeraldProcess.FreePort();
                started = await node.TryStartAsync();
            }

            if (!started)
            {
                throw new InvalidOperationException($"Herald.Server did not start on a free port in {PortAttempts} attempts:\n{node.Output}");
            }

            node.Http.BaseAddress = node.BaseAddress;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        return node;
    }

    /// <summary>Kills it by PID (SIGKILL): no shutdown, no Close frames, its connections simply drop.</summary>
    public async Task KillAsync()
    {
        await Signals.SendAsync(Pid, "KILL");
        await Process.WaitForExitAsync(ExitTimeout);
    }

    /// <summary>Stops it as a service manager does (SIGTERM) and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        Process.Terminate();
        return await Process.WaitForExitAsync(ExitTimeout);
    }

    /// <summary>Starts the host again on the same port with the same settings, after it was killed or stopped.</summary>
    public async Task RestartAsync()
    {
        if (!await TryStartAsync())
        {
            throw new InvalidOperationException($"Herald.Server did not start again on port {Port}:\n{Output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    /// <returns>True once it printed its start line; false when it exited first.</returns>
    private async Task<bool> TryStartAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _process = await HeraldProcess.StartAsync(
            ["--urls", $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}", .. _arguments],
            _environment.ToDictionary(),
            waitForStart: false);
        return await _process.WaitUntilStartedAsync();
    }
}
