using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Bench.Compare;

/// <summary>Prints a comparison on stdout: its JSON document, then one Markdown table per scenario.</summary>
internal static class ComparisonWriter
{
    public static void Write(ComparisonResult comparison)
    {
        var stdout = Console.Out;
        stdout.WriteLine(JsonSerializer.Serialize(comparison, ComparisonJsonContext.Default.ComparisonResult));
        foreach (var scenario in comparison.Scenarios)
        {
            stdout.WriteLine();
            var options = scenario.Arguments.Count > 0 ? " " + string.Join(' ', scenario.Arguments) : string.Empty;
            stdout.WriteLine($"{scenario.Scenario}{options}: {comparison.Runs} runs each, load average {scenario.LoadAverageBefore} before, {scenario.LoadAverageAfter} after");
            stdout.WriteLine();
            stdout.WriteLine("| metric | better | Herald (median) | reference (median) | Herald / reference |");
            stdout.WriteLine("| --- | --- | --- | --- | --- |");
            foreach (var metric in scenario.Metrics)
            {
                stdout.WriteLine($"| {metric.Name} | {metric.Better} | {Cell(metric.HeraldMedian)} | {Cell(metric.ReferenceMedian)} | {Cell(metric.Ratio)} |");
            }
        }
    }

    private static string Cell(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "n/a";
}

/// <summary>Source-generated JSON for the comparison: camelCase and indented; a missing figure is written as null.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(ComparisonResult))]
internal sealed partial class ComparisonJsonContext : JsonSerializerContext;
