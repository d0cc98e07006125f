using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Herald.Bench.Output;

/// <summary>A scenario's outcome: the typed result (for compare), its JSON document and its Markdown row.</summary>
internal sealed class ScenarioReport
{
    private ScenarioReport(object result, string json, MarkdownRow row)
    {
        Result = result;
        Json = json;
        Row = row;
    }

    public object Result { get; }

    public string Json { get; }

    public MarkdownRow Row { get; }

    public static ScenarioReport Create<T>(T result, JsonTypeInfo<T> typeInfo, MarkdownRow row)
        where T : notnull => new(result, JsonSerializer.Serialize(result, typeInfo), row);
}
