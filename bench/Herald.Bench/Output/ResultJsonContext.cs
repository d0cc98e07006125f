using System.Text.Json;
using System.Text.Json.Serialization;
using Herald.Bench.Scenarios;

namespace Herald.Bench.Output;

/// <summary>Source-generated JSON for the results: camelCase, indented, and figures that need --server-pid left out without it.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IdleResult))]
[JsonSerializable(typeof(LatencyResult))]
[JsonSerializable(typeof(ThroughputResult))]
[JsonSerializable(typeof(ChurnResult))]
[JsonSerializable(typeof(FanoutResult))]
internal sealed partial class ResultJsonContext : JsonSerializerContext;
