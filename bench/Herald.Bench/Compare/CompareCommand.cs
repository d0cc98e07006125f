using System.Globalization;
using System.Text.Json;
using Herald.Bench.Cli;
using Herald.Bench.Measure;
using Herald.Bench.Output;
using Herald.Bench.Scenarios;

namespace Herald.Bench.Compare;

/// <summary>
/// <c>compare --herald CMD --reference CMD [--scenarios idle,latency,throughput] [--runs N] [scenario options]</c>:
/// for each scenario and each of N runs, a fresh Herald and a fresh reference server, one after the other (which one
/// goes first alternates), each started from its command on a free loopback port, measured by the same scenario
/// in this process, then killed. Prints the JSON of every run and, per scenario, a table of medians and their ratio.
/// </summary>
internal static class CompareCommand
{
    private const string HeraldName = "herald";
    private const string ReferenceName = "reference";

    /// <summary>The options each comparable scenario takes besides --url and --server-pid: where a passed-through option goes.</summary>
    private static readonly Dictionary<string, string[]> ScenarioOptions = new(StringComparer.Ordinal)
    {
        ["idle"] = ["connections", "connect-concurrency", "idle-seconds", "settle-seconds", "warmup-connections", "live-heap", "tabs"],
        ["latency"] = ["users", "rate", "messages", "warmup", "http-connections", "seed", "gc-events"],
        ["throughput"] = ["users", "seconds", "mode", "concurrency", "max-messages", "gc-events"],
    };

    private static readonly string[] OwnedByCompare = ["url", "server-pid", "server-cert-sha256"];

    public static async Task<ComparisonResult> RunAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        var herald = ServerCommand.Parse(HeraldName, args.GetOptionalString(HeraldName) ?? throw new UsageException("compare needs --herald CMD"));
        var reference = ServerCommand.Parse(ReferenceName, args.GetOptionalString(ReferenceName) ?? throw new UsageException("compare needs --reference CMD"));
        var scenarios = ParseScenarios(args.GetString("scenarios", string.Join(',', ScenarioOptions.Keys)));
        var runs = args.GetInt("runs", 3, 1, 100);
        var ports = FreePorts.Parse(args.GetOptionalString("ports"));
        var startTimeout = TimeSpan.FromSeconds(args.GetInt("start-timeout", 30, 1, 600));
        var forwarded = Route(args.TakeRest(), scenarios);

        var startedAt = DateTimeOffset.UtcNow;
        var comparisons = new List<ScenarioComparison>();
        foreach (var scenario in scenarios)
        {
            var loadBefore = LoadAverage();
            var pairs = new List<(RunPair Pair, ScenarioReport? Herald, ScenarioReport? Reference)>();
            for (var run = 1; run <= runs; run++)
            {
                var heraldFirst = run % 2 == 1;
                ScenarioReport? heraldReport = null, referenceReport = null;
                string? heraldError = null, referenceError = null;
                foreach (var server in heraldFirst ? new[] { herald, reference } : [reference, herald])
                {
                    Console.Error.WriteLine($"compare: {scenario} run {run} of {runs}, {server.Option}");
                    var (report, error) = await RunOnceAsync(server, scenario, forwarded[scenario], ports, startTimeout, cancellationToken);
                    if (server == herald)
                    {
                        (heraldReport, heraldError) = (report, error);
                    }
                    else
                    {
                        (referenceReport, referenceError) = (report, error);
                    }
                }

                pairs.Add((new RunPair(run, heraldFirst ? HeraldName : ReferenceName, ToJson(heraldReport), ToJson(referenceReport), heraldError, referenceError),
                    heraldReport, referenceReport));
            }

            var metrics = ComparedMetric.For(scenario).Select(metric => Compare(metric, pairs.Select(static p => p.Herald), pairs.Select(static p => p.Reference))).ToArray();
            comparisons.Add(new ScenarioComparison(scenario, ToArguments(forwarded[scenario]), loadBefore, LoadAverage(), metrics, [.. pairs.Select(static p => p.Pair)]));
        }

        return new ComparisonResult(herald.Text, reference.Text, runs, startedAt, comparisons);
    }

    /// <summary>One fresh server, one scenario run against it; the server is killed whatever happens.</summary>
    /// <returns>The report, or null and why the run failed.</returns>
    private static async Task<(ScenarioReport? Report, string? Error)> RunOnceAsync(
        ServerCommand command, string scenario, IReadOnlyList<(string Name, string Value)> options, FreePorts ports, TimeSpan startTimeout, CancellationToken cancellationToken)
    {
        try
        {
            await using var server = await ServerProcess.StartAsync(command, ports.Next(), startTimeout, cancellationToken);
            var arguments = new List<string> { scenario, "--url", server.Url, "--server-pid", server.Pid.ToString(CultureInfo.InvariantCulture) };
            arguments.AddRange(ToArguments(options));
            return (await ScenarioRunner.RunAsync(BenchArguments.Parse(arguments), cancellationToken), null);
        }
        catch (BenchFailedException exception)
        {
            Console.Error.WriteLine($"compare: {scenario} against --{command.Option} failed: {exception.Message}");
            return (null, exception.Message);
        }
    }

    private static MetricComparison Compare(ComparedMetric metric, IEnumerable<ScenarioReport?> herald, IEnumerable<ScenarioReport?> reference)
    {
        var heraldRuns = herald.Select(report => report is null ? null : metric.Read(report.Result)).ToArray();
        var referenceRuns = reference.Select(report => report is null ? null : metric.Read(report.Result)).ToArray();
        var heraldMedian = Median(heraldRuns);
        var referenceMedian = Median(referenceRuns);
        double? ratio = heraldMedian is { } h && referenceMedian is { } r && r != 0 ? Math.Round(h / r, 2, MidpointRounding.AwayFromZero) : null;
        return new MetricComparison(metric.Name, metric.Better == Better.Lower ? "lower" : "higher", heraldMedian, referenceMedian, ratio, heraldRuns, referenceRuns);
    }

    private static double? Median(double?[] runs)
    {
        var values = runs.OfType<double>().Order().ToArray();
        if (values.Length == 0)
        {
            return null;
        }

        var middle = values.Length / 2;
        return Round.To3(values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2);
    }

    /// <exception cref="UsageException">An unknown scenario, or one named twice.</exception>
    private static string[] ParseScenarios(string list)
    {
        var scenarios = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var scenario in scenarios)
        {
            if (!ScenarioOptions.ContainsKey(scenario))
            {
                throw new UsageException($"compare runs {string.Join(", ", ScenarioOptions.Keys)}; not '{scenario}'");
            }
        }

        if (scenarios.Length == 0 || scenarios.Distinct(StringComparer.Ordinal).Count() != scenarios.Length)
        {
            throw new UsageException($"--scenarios must name each of {string.Join(", ", ScenarioOptions.Keys)} at most once (was '{list}')");
        }

        return scenarios;
    }

    /// <summary>Gives each passed-through option to every chosen scenario that takes it.</summary>
    /// <exception cref="UsageException">An option compare sets itself, or one no chosen scenario takes.</exception>
    private static Dictionary<string, List<(string Name, string Value)>> Route(IReadOnlyList<(string Name, string Value)> options, string[] scenarios)
    {
        var routed = scenarios.ToDictionary(static scenario => scenario, static _ => new List<(string Name, string Value)>(), StringComparer.Ordinal);
        foreach (var option in options)
        {
            if (OwnedByCompare.Contains(option.Name))
            {
                throw new UsageException($"compare sets --{option.Name} itself, for each server it starts");
            }

            var takers = scenarios.Where(scenario => ScenarioOptions[scenario].Contains(option.Name)).ToArray();
            if (takers.Length == 0)
            {
                throw new UsageException($"none of the scenarios compared ({string.Join(", ", scenarios)}) takes --{option.Name}");
            }

            foreach (var scenario in takers)
            {
                routed[scenario].Add(option);
            }
        }

        return routed;
    }

    private static string[] ToArguments(IEnumerable<(string Name, string Value)> options) =>
        [.. options.SelectMany(static option => new[] { "--" + option.Name, option.Value })];

    private static JsonElement? ToJson(ScenarioReport? report)
    {
        if (report is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(report.Json);
        return document.RootElement.Clone();
    }

    /// <summary>The 1, 5 and 15 minute load averages, as /proc/loadavg gives them.</summary>
    private static string LoadAverage() =>
        string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
