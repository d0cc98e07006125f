using System.Text;
using Herald.Bench.Cli;

namespace Herald.Bench.Compare;

/// <summary>
/// A server's command line as given to <c>compare</c>: a program and its arguments, split on whitespace (single or
/// double quotes keep a piece together; no shell, no variables), with <c>{port}</c> replaced by the port of each run.
/// </summary>
internal sealed class ServerCommand
{
    public const string PortPlaceholder = "{port}";

    private readonly string[] _words;

    private ServerCommand(string option, string text, string[] words)
    {
        Option = option;
        Text = text;
        _words = words;
    }

    /// <summary>The option that gave it: "herald" or "reference".</summary>
    public string Option { get; }

    /// <summary>The command as written.</summary>
    public string Text { get; }

    /// <exception cref="UsageException">Empty, an unclosed quote, or no <c>{port}</c>.</exception>
    public static ServerCommand Parse(string option, string text)
    {
        var words = Split(option, text);
        if (words.Length == 0)
        {
            throw new UsageException($"--{option} needs a command");
        }

        if (!words.Any(static word => word.Contains(PortPlaceholder, StringComparison.Ordinal)))
        {
            throw new UsageException(
                $"--{option} '{text}' must say where the port goes with {PortPlaceholder}, for example \"... --urls http://127.0.0.1:{PortPlaceholder}\" or \"... -addr 127.0.0.1:{PortPlaceholder}\"");
        }

        return new ServerCommand(option, text, words);
    }

    /// <summary>The program to start.</summary>
    public string Program => _words[0];

    /// <summary>The arguments for a server listening on <paramref name="port"/>.</summary>
    public IEnumerable<string> ArgumentsFor(int port) =>
        _words.Skip(1).Select(word => word.Replace(PortPlaceholder, port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

    private static string[] Split(string option, string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in text)
        {
            if (quote is { } open)
            {
                if (c == open)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (quote is not null)
        {
            throw new UsageException($"--{option} '{text}' has an unclosed quote");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return [.. words];
    }
}
