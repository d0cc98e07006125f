using System.Text.Json.Serialization;

namespace Herald.Bench.Output;

/// <summary>
/// The server's garbage collections in a measured window, read from its runtime's GC events (a .NET server only).
/// A pause is the time the runtime held every managed thread for a collection (suspend start to restart end).
/// </summary>
/// <param name="Gen0">Collections of generation 0 only.</param>
/// <param name="Gen1">Collections of generations 0 and 1.</param>
/// <param name="Gen2">Full collections, blocking or background.</param>
/// <param name="Gen2Background">Of those, background collections (which pause only briefly at their start and end).</param>
/// <param name="Pauses">Pauses for a collection.</param>
/// <param name="TotalPauseMs">Their sum.</param>
/// <param name="MaxPauseMs">The longest.</param>
internal sealed record GcFigures(
    int Gen0,
    int Gen1,
    int Gen2,
    int Gen2Background,
    int Pauses,
    double TotalPauseMs,
    double MaxPauseMs)
{
    /// <summary>"gen0/gen1/gen2", for a table cell; the JSON has the counts themselves.</summary>
    [JsonIgnore]
    public string Counts => $"{Gen0}/{Gen1}/{Gen2}";
}
