using System.Text.Json;

namespace Herald.Bench.Compare;

/// <summary>What <c>compare</c> prints as JSON: the commands, and per scenario its medians, ratios and every run.</summary>
/// <param name="Herald">The --herald command as given.</param>
/// <param name="Reference">The --reference command as given.</param>
/// <param name="Runs">Runs per scenario and server.</param>
/// <param name="StartedAt">When the comparison started (UTC).</param>
/// <param name="Scenarios">One entry per scenario, in the order run.</param>
internal sealed record ComparisonResult(string Herald, string Reference, int Runs, DateTimeOffset StartedAt, IReadOnlyList<ScenarioComparison> Scenarios);

/// <summary>One scenario, side by side.</summary>
/// <param name="Scenario">Its name.</param>
/// <param name="Arguments">The options passed to it (besides --url and --server-pid).</param>
/// <param name="LoadAverageBefore">/proc/loadavg's 1, 5 and 15 minute figures before its first run.</param>
/// <param name="LoadAverageAfter">The same after its last run.</param>
/// <param name="Metrics">Each compared figure: medians, their ratio, and the figures run by run.</param>
/// <param name="RunResults">Every run of both servers, with the scenario's whole result.</param>
internal sealed record ScenarioComparison(
    string Scenario,
    IReadOnlyList<string> Arguments,
    string LoadAverageBefore,
    string LoadAverageAfter,
    IReadOnlyList<MetricComparison> Metrics,
    IReadOnlyList<RunPair> RunResults);

/// <summary>One figure of both servers.</summary>
/// <param name="Name">What it is, with its unit.</param>
/// <param name="Better">"lower" or "higher".</param>
/// <param name="HeraldMedian">Herald's median over its runs that gave the figure; null when none did.</param>
/// <param name="ReferenceMedian">The reference's.</param>
/// <param name="Ratio">HeraldMedian / ReferenceMedian; null when either is missing or the reference's is 0.</param>
/// <param name="HeraldRuns">Herald's figure run by run (null where a run failed or has no such figure).</param>
/// <param name="ReferenceRuns">The reference's.</param>
internal sealed record MetricComparison(
    string Name,
    string Better,
    double? HeraldMedian,
    double? ReferenceMedian,
    double? Ratio,
    IReadOnlyList<double?> HeraldRuns,
    IReadOnlyList<double?> ReferenceRuns);

/// <summary>Run n of both servers.</summary>
/// <param name="Run">1-based.</param>
/// <param name="First">Which server ran first in this run: "herald" or "reference" (they alternate).</param>
/// <param name="Herald">Herald's whole result, or null when its run failed.</param>
/// <param name="Reference">The reference's whole result, or null when its run failed.</param>
/// <param name="HeraldError">Why Herald's run failed; null when it did not.</param>
/// <param name="ReferenceError">Why the reference's run failed; null when it did not.</param>
internal sealed record RunPair(int Run, string First, JsonElement? Herald, JsonElement? Reference, string? HeraldError, string? ReferenceError);
