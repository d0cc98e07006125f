using Herald.Bench.Net;
using Herald.Bench.Output;
using Herald.Bench.Platform;
using Herald.Bench.Scenarios;

namespace Herald.Bench.Cli;

/// <summary>
/// What every scenario shares: the loopback target (<c>--url</c>), the node publishes go to when it is another
/// (<c>--publish-url</c>), the server processes to measure (<c>--server-pid</c>), the source-address pool, the
/// WebSocket and HTTP clients built on it, and the credentials for a server with authentication on
/// (<c>--token-secret</c>, <c>--token-issuer</c>, <c>--token-audience</c>, <c>--api-key</c>).
/// </summary>
internal sealed class BenchContext : IDisposable
{
    private const string DefaultUrl = "http://127.0.0.1:8181";

    private readonly BenchTokens? _tokens;

    private readonly LoopbackTarget? _publishTarget;

    private BenchContext(
        string scenario, LoopbackTarget target, LoopbackTarget? publishTarget, ServerProcesses? servers, int apiConnections, BenchTokens? tokens, string? apiKey)
    {
        Scenario = scenario;
        Target = target;
        Servers = servers;
        StartedAt = DateTimeOffset.UtcNow;
        _tokens = tokens;
        _publishTarget = publishTarget;
        var sources = target.CanSpreadSourceAddresses ? new SourceAddressPool() : null;
        Connector = new WebSocketConnector(target, sources);
        if (publishTarget is null)
        {
            Api = new HeraldApiClient(target, sources, apiConnections, apiKey);
            PublishApi = Api;
        }
        else
        {
            // The connections' node is then asked for its stats (and a seed server's login probes) only.
            Api = new HeraldApiClient(target, sources, StatsConnections, apiKey);
            PublishApi = new HeraldApiClient(publishTarget, publishTarget.CanSpreadSourceAddresses ? sources : null, apiConnections, apiKey);
        }
    }

    /// <summary>Keep-alive connections to the connections' node when the publishes go elsewhere.</summary>
    private const int StatsConnections = 2;

    /// <summary>The seed flavour, logging in with a token when --token-secret was given.</summary>
    public ClientProtocol Seed => ClientProtocol.Seed(_tokens);

    /// <summary>herald.v1, subscribing to <paramref name="topic"/> if any, logging in with a token when --token-secret was given.</summary>
    public ClientProtocol HeraldV1(string? topic) => ClientProtocol.HeraldV1(topic, _tokens);

    public string Scenario { get; }

    public LoopbackTarget Target { get; }

    /// <summary>
    /// The node that holds the connections (the first --server-pid), when given: memory, open-files and GC figures
    /// are its.
    /// </summary>
    public ProcessProbe? Server => Servers?.Primary;

    /// <summary>Every process of --server-pid, when given: CPU figures are their sum.</summary>
    public ServerProcesses? Servers { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>
    /// What the scenario's user IDs start with (--user-prefix, default bench-): two generators with different
    /// prefixes on two nodes have users that are each on one node only.
    /// </summary>
    public string UserPrefix { get; private init; } = Population.UserPrefix;

    public WebSocketConnector Connector { get; }

    /// <summary>The connections' node (--url): stats, and the login probes of a server without them.</summary>
    public HeraldApiClient Api { get; }

    /// <summary>Where messages are published: --publish-url when given, else the same client as <see cref="Api"/>.</summary>
    public HeraldApiClient PublishApi { get; }

    /// <summary>Reads --url, --server-cert-sha256, --publish-url and --server-pid. Call before the scenario's own options so the usage errors come in order.</summary>
    /// <param name="args">The command line; --url, --publish-url and --server-pid are taken from it.</param>
    /// <param name="apiConnections">Keep-alive HTTP connections the scenario's publishers need at once.</param>
    public static BenchContext Create(BenchArguments args, int apiConnections)
    {
        var certificate = args.GetOptionalString("server-cert-sha256");
        var target = LoopbackTarget.Parse(args.GetString("url", DefaultUrl), certificate);
        var publishTarget = args.GetOptionalString("publish-url") is { } publishUrl ? LoopbackTarget.Parse(publishUrl, certificate) : null;
        if (publishTarget is not null && publishTarget.HttpBase == target.HttpBase)
        {
            publishTarget = null;
        }

        ServerProcesses? servers = null;
        if (args.GetOptionalString("server-pid") is { } pids)
        {
            try
            {
                servers = ServerProcesses.Parse(pids);
            }
            catch (ArgumentException exception)
            {
                throw new UsageException($"--server-pid {pids}: {exception.Message} (give PID or PID,PID,...)");
            }
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
        var userPrefix = CheckUserPrefix(args.GetString("user-prefix", Population.UserPrefix));
        return new BenchContext(args.Scenario, target, publishTarget, servers, apiConnections + 1, tokens, args.GetOptionalString("api-key"))
        {
            UserPrefix = userPrefix,
        };
    }

    public RunInfo RunInfo() => new(
        Scenario,
        Target.HttpBase.ToString(),
        StartedAt,
        Environment.ProcessorCount,
        Server?.Pid,
        HasStats,
        Measure.Round.To3(Environment.CpuUsage.TotalTime.TotalSeconds),
        _publishTarget?.HttpBase.ToString(),
        Servers is { IsGroup: true } group ? [.. group.All.Select(static probe => probe.Pid)] : null);

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
    public static bool ReadGcEventsOption(BenchArguments args) => args.GetOnOff("gc-events", defaultValue: true);

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

    /// <exception cref="UsageException">Not 1 to 64 characters of A-Z a-z 0-9 . _ -.</exception>
    private static string CheckUserPrefix(string prefix) =>
        prefix.Length is > 0 and <= 64 && prefix.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            ? prefix
            : throw new UsageException($"--user-prefix '{prefix}' must be 1 to 64 characters of A-Z a-z 0-9 . _ -");

    public void Dispose()
    {
        if (!ReferenceEquals(PublishApi, Api))
        {
            PublishApi.Dispose();
        }

        Api.Dispose();
        Connector.Dispose();
    }
}
