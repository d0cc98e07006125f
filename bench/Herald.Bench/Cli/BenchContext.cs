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
        Measure.Round.To3(Environment.CpuUsage.TotalTime.TotalSeconds));

    /// <summary>Warns when the server's own open-files limit is below what the scenario is about to open.</summary>
    public void WarnIfServerLimitBelow(int connections)
    {
        if (Server?.ReadOpenFilesLimit() is { } limit && limit < connections + 100)
        {
            Console.Error.WriteLine($"warning: the server's open-files limit is {limit}; {connections} connections will come close to it or exceed it");
        }
    }

    /// <summary>Reads the stats once, failing plainly when the server is not there, and warns about leftovers.</summary>
    public async Task<ServerStats> CheckServerAsync(CancellationToken cancellationToken)
    {
        ServerStats stats;
        try
        {
            stats = await Api.GetStatsAsync(cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new BenchFailedException($"cannot reach Herald at {Target.HttpBase}: {exception.Message}");
        }

        if (stats.Connections > 0)
        {
            Console.Error.WriteLine($"warning: the server already has {stats.Connections} connections ({stats.Users} users); they share its memory and CPU with this run");
        }

        return stats;
    }

    public void Dispose()
    {
        Api.Dispose();
        Connector.Dispose();
    }
}
