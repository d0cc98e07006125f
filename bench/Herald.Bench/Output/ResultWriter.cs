using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Herald.Bench.Output;

/// <summary>Prints a result on stdout: the JSON document, then its Markdown table row under a header. Progress goes to stderr.</summary>
internal static class ResultWriter
{
    public static void Write<T>(T result, JsonTypeInfo<T> typeInfo, MarkdownRow row)
    {
        var stdout = Console.Out;
        stdout.WriteLine(JsonSerializer.Serialize(result, typeInfo));
        stdout.WriteLine();
        stdout.WriteLine(row.Header);
        stdout.WriteLine(row.Separator);
        stdout.WriteLine(row.Row);
    }
}
