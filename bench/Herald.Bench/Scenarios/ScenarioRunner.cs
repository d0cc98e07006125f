using Herald.Bench.Cli;
using Herald.Bench.Output;

namespace Herald.Bench.Scenarios;

/// <summary>Runs the scenario the arguments name; the one place that maps names to scenarios.</summary>
internal static class ScenarioRunner
{
    /// <exception cref="UsageException">The scenario is unknown, or an option is wrong.</exception>
    public static Task<ScenarioReport> RunAsync(BenchArguments arguments, CancellationToken cancellationToken) => arguments.Scenario switch
    {
        "idle" => IdleScenario.RunAsync(arguments, cancellationToken),
        "latency" => LatencyScenario.RunAsync(arguments, cancellationToken),
        "throughput" => ThroughputScenario.RunAsync(arguments, cancellationToken),
        "churn" => ChurnScenario.RunAsync(arguments, cancellationToken),
        "fanout" => FanoutScenario.RunAsync(arguments, cancellationToken),
        var other => throw new UsageException($"unknown scenario '{other}'"),
    };
}
