namespace Herald.Bench.Output;

/// <summary>Prints a result on stdout: the JSON document, then its Markdown table row under a header. Progress goes to stderr.</summary>
internal static class ResultWriter
{
    public static void Write(ScenarioReport report)
    {
        var stdout = Console.Out;
        stdout.WriteLine(report.Json);
        stdout.WriteLine();
        stdout.WriteLine(report.Row.Header);
        stdout.WriteLine(report.Row.Separator);
        stdout.WriteLine(report.Row.Row);
    }
}
