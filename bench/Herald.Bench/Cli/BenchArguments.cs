using System.Globalization;

namespace Herald.Bench.Cli;

/// <summary>
/// <c>&lt;scenario&gt; [--name value]...</c>: each scenario reads the options it knows, with a default and a
/// range, and <see cref="EnsureAllUsed"/> then refuses any option nobody read.
/// </summary>
internal sealed class BenchArguments
{
    private readonly Dictionary<string, string> _options;
    private readonly HashSet<string> _used = [];

    private BenchArguments(string scenario, Dictionary<string, string> options)
    {
        Scenario = scenario;
        _options = options;
    }

    public string Scenario { get; }

    /// <exception cref="UsageException">No scenario, or an option without a value, or one given twice.</exception>
    public static BenchArguments Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0].StartsWith('-'))
        {
            throw new UsageException("name a scenario first");
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"expected an option like --name value, found '{arg}'");
            }

            string name;
            string value;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                name = arg[2..equals];
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                name = arg[2..];
                value = args[++i];
            }
            else
            {
                throw new UsageException($"option {arg} needs a value");
            }

            if (!options.TryAdd(name, value))
            {
                throw new UsageException($"option --{name} is given twice");
            }
        }

        return new BenchArguments(args[0], options);
    }

    public string GetString(string name, string defaultValue) => Take(name) ?? defaultValue;

    public string? GetOptionalString(string name) => Take(name);

    /// <summary>An option that is <c>on</c> or <c>off</c>.</summary>
    public bool GetOnOff(string name, bool defaultValue) => Take(name) switch
    {
        null => defaultValue,
        "on" => true,
        "off" => false,
        var other => throw new UsageException($"--{name} must be on or off (was '{other}')"),
    };

    public int GetInt(string name, int defaultValue, int min, int max) => GetOptionalInt(name, min, max) ?? defaultValue;

    public int? GetOptionalInt(string name, int min, int max)
    {
        if (Take(name) is not { } text)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"--{name} must be a whole number from {min} to {max} (was '{text}')");
        }

        return value;
    }

    /// <summary>Every option nobody has read yet, in the order given; they count as read from now on.</summary>
    public IReadOnlyList<(string Name, string Value)> TakeRest()
    {
        var rest = _options.Where(option => !_used.Contains(option.Key)).Select(static option => (option.Key, option.Value)).ToArray();
        foreach (var (name, _) in rest)
        {
            _used.Add(name);
        }

        return rest;
    }

    /// <exception cref="UsageException">An option was given that no one read.</exception>
    public void EnsureAllUsed()
    {
        var unknown = _options.Keys.Where(name => !_used.Contains(name)).Select(name => "--" + name).ToArray();
        if (unknown.Length > 0)
        {
            throw new UsageException($"scenario '{Scenario}' does not take {string.Join(", ", unknown)}");
        }
    }

    private string? Take(string name)
    {
        _used.Add(name);
        return _options.GetValueOrDefault(name);
    }
}
