using System.Globalization;
using System.Text;

namespace Herald.Bench.Output;

/// <summary>A result as one row of a Markdown table, with the header that names its columns.</summary>
internal sealed class MarkdownRow
{
    private readonly List<(string Header, string Value)> _cells = [];

    public MarkdownRow Add(string header, string value)
    {
        _cells.Add((header, value));
        return this;
    }

    public MarkdownRow Add(string header, double value) => Add(header, value.ToString("0.###", CultureInfo.InvariantCulture));

    public MarkdownRow Add(string header, long value) => Add(header, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A figure that exists only with --server-pid; "n/a" without it.</summary>
    public MarkdownRow Add(string header, double? value) => value is { } v ? Add(header, v) : Add(header, "n/a");

    public string Header => Line(static cell => cell.Header);

    public string Separator => Line(static cell => "---");

    public string Row => Line(static cell => cell.Value);

    private string Line(Func<(string Header, string Value), string> select)
    {
        var line = new StringBuilder("|");
        foreach (var cell in _cells)
        {
            line.Append(' ').Append(select(cell)).Append(" |");
        }

        return line.ToString();
    }
}
