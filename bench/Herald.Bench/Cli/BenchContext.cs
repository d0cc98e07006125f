using Herald.Bench.Net;
using Herald.Bench.Output;
using Herald.Bench.Platform;

namespace Herald.Bench.Cli;

/// <summary>
/// What every scenario shares: the loopback target (<c>--url</c>), the server to measure (<c>--server-pid</c>),
/// the source-address pool, the WebSocket and HTTP clients built on it, and the credentials for a server with
/// authentication on (<c>--token-secret</c>, <c>--token-issuer</c>, <c>--token-audience</c>, <c>--api-key</c>).
/// </summary>
internal sealed class BenchContext : IDisposable
{
    private const string DefaultUrl = "http://127.0.0.1:8181";

    private readonly BenchTokens? _tokens;

    private BenchContext(string scenario, LoopbackTarget target, ProcessProbe? server, int apiConnections, BenchTokens? tokens, string? apiKey)
    {
        Scenario = scenario;
        Target = target;
        Server = server;
        StartedAt = DateTimeOffset.UtcNow;
        _tokens = tokens;
        var sources = target.CanSpreadSourceAddresses ? new SourceAddressPool() : null;
        Connector = new WebSocketConnector(target, sources);
        Api = new HeraldApiClient(target, sources, apiConnections, apiKey);
    }

    /// <summary>The seed flavour, logging in with a token when --token-secret was given.</summary>
    public ClientProtocol Seed => ClientProtocol.Seed(_tokens);

    /// <summary>herald.v1, subscribing to <paramref name="topic"/> if any, logging in with a token when --token-secret was given.</summary>
    public ClientProtocol HeraldV1(string? topic) => ClientProtocol.HeraldV1(topic, _tokens);

    public string Scenario { get; }

    public LoopbackTarget Target { get; }

    /// <summary>The server process, when --server-pid was given; memory and CPU figures need it.</summary>
    public ProcessProbe? Server { get; }

    public DateTimeOffset StartedAt { get; }

    public WebSocketConnector Connector { get; }

    public HeraldApiClient Api { get; }

    /// <summary>Reads --url, --server-cert-sha256 and --server-pid. Call before the scenario's own options so the usage errors come in order.</summary>
    /// <param name="args">The command line; --url and --server-pid are taken from it.</param>
    /// <param name="apiConnections">Keep-alive HTTP connections the scenario's publishers need at once.</param>
    public static BenchContext Create(BenchArguments args, int apiConnections)
    {
        var target = LoopbackTarget.Parse(args.GetString("url", DefaultUrl), args.GetOptionalString("server-cert-sha256"));
        ProcessProbe? server = null;
        if (args.GetOptionalInt("server-pid", 1, int.MaxValue) is { } pid)
        {
            server = ProcessProbe.TryOpen(pid) ?? throw new UsageException($"--server-pid {pid}: no such process");
        }

        if (!target.CanSpreadSourceAddresses)
        {
            Console.Error.WriteLine("note: the server is on IPv6 loopback; every client socket comes from ::1 (source spreading needs 127.0.0.1)");
        }

        var secret = args.GetOptionalString("token-secret");
        var issuer = args.GetOptionalString("token-issuer");
        var audience = args.GetOptionalString("token-audience");
        if (secret is null && (issuer ?? audience) is not null)
        {
            throw new UsageException("--token-issuer and --token-audience go with --token-secret");
        }

        var tokens = secret is null ? null : new BenchTokens(secret, issuer, audience);
        return new BenchContext(args.Scenario, target, server, apiConnections + 1, tokens, args.GetOptionalString("api-key"));
    }

    public RunInfo RunInfo() => new(
        Scenario,
        Target.HttpBase.ToString(),
        StartedAt,
        Environment.ProcessorCount,
        Server?.Pid,
        HasStats,
        Measure.Round.To3(Environment.CpuUsage.TotalTime.TotalSeconds));

    /// <summary>Warns when the server's own open-files limit is below what the scenario is about to open.</summary>
    public void WarnIfServerLimitBelow(int connections)
    {
        if (Server?.ReadOpenFilesLimit() is { } limit && limit < connections + 100)
        {
            Console.Error.WriteLine($"warning: the server's open-files limit is {limit}; {connections} connections will come close to it or exceed it");
        }
    }

    /// <summary>Whether the server answers <c>GET /api/v1/stats</c>; known after <see cref="CheckServerAsync"/>.</summary>
    public bool HasStats { get; private set; }

    /// <summary>
    /// Reads the stats once, failing plainly when the server is not there, and warns about leftovers. A server that
    /// answers 404 there (the seed's design) is measured by its PID only: said once, here.
    /// </summary>
    /// <returns>The stats; null when the server has none.</returns>
    public async Task<ServerStats?> CheckServerAsync(CancellationToken cancellationToken)
    {
        ServerStats? stats;
        try
        {
            stats = await Api.TryGetStatsAsync(cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new BenchFailedException($"cannot reach the server at {Target.HttpBase}: {exception.Message}");
        }

        HasStats = stats is not null;
        if (stats is null)
        {
            Console.Error.WriteLine($"note: {Target.HttpBase}api/v1/stats answers 404: measuring the server by its PID only (CPU and RSS from /proc); its counters are n/a, and logins are confirmed by a probe message each");
        }
        else if (stats.Connections > 0)
        {
            Console.Error.WriteLine($"warning: the server already has {stats.Connections} connections ({stats.Users} users); they share its memory and CPU with this run");
        }

        return stats;
    }

    /// <summary>
    /// Reads <c>--gc-events on|off</c> (default on): whether a latency, throughput or fanout run opens a GC event
    /// session on a .NET server. Off is for checking that the session does not move the other figures.
    /// </summary>
    public static bool ReadGcEventsOption(BenchArguments args) => args.GetString("gc-events", "on") switch
    {
        "on" => true,
        "off" => false,
        var other => throw new UsageException($"--gc-events must be on or off (was '{other}')"),
    };

    /// <summary>Opens a GC event session on the server when it is .NET and <paramref name="enabled"/>; says so when it is not .NET.</summary>
    /// <returns>Null without --server-pid, when disabled, or when the server is not .NET: its GC figures are then n/a.</returns>
    public async Task<GcEventSession?> StartGcEventsAsync(bool enabled)
    {
        if (Server is null || !enabled)
        {
            return null;
        }

        var session = await GcEventSession.TryStartAsync(Server);
        if (session is null && !GcEventSession.IsDotNet(Server))
        {
            Console.Error.WriteLine($"note: process {Server.Pid} has no .NET diagnostics socket: GC figures are n/a");
        }

        return session;
    }

    /// <summary>The stats now; null for a server without them (absent, not zero).</summary>
    public async Task<ServerStats?> ReadStatsAsync(CancellationToken cancellationToken) =>
        HasStats ? await Api.GetStatsAsync(cancellationToken) : null;

    /// <summary>Refuses a server without Herald's API (no stats endpoint) for a scenario that needs it.</summary>
    /// <param name="what">What the scenario needs, e.g. "POST /api/v1/publish".</param>
    /// <exception cref="BenchFailedException">The server has no stats endpoint, so it is not Herald.</exception>
    public void RequireHeraldApi(string what)
    {
        if (!HasStats)
        {
            throw new BenchFailedException(
                $"{Scenario} needs Herald's API ({what}), and the server at {Target.HttpBase} has none (GET /api/v1/stats answers 404); against a server of the seed's design, run idle, latency, throughput --mode send or churn");
        }
    }

    public void Dispose()
    {
        Api.Dispose();
        Connector.Dispose();
    }
}
