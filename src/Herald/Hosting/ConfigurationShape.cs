namespace Herald.Hosting;

/// <summary>
/// What the configuration binder reads at one place under the <c>Herald</c> section: a value, a section with named
/// keys, or entries under any names (a list, whose binder takes its children whatever their keys, or a dictionary).
/// <see cref="HeraldConfigurationKeys"/> describes the options with it, so that unknown keys are found without
/// reflection (the library is trimmed and compiled ahead of time).
/// </summary>
internal sealed class ConfigurationShape
{
    private ConfigurationShape(ConfigurationShapeKind kind, IReadOnlyDictionary<string, ConfigurationShape> keys, ConfigurationShape? entry)
    {
        Kind = kind;
        Keys = keys;
        Entry = entry;
    }

    /// <summary>A value the binder converts (a number, a duration, text, a URL): it has no keys under it.</summary>
    public static ConfigurationShape Value { get; } = new(ConfigurationShapeKind.Value, new Dictionary<string, ConfigurationShape>(), entry: null);

    public ConfigurationShapeKind Kind { get; }

    /// <summary>The keys of a section, compared without regard to case as the binder compares them; empty otherwise.</summary>
    public IReadOnlyDictionary<string, ConfigurationShape> Keys { get; }

    /// <summary>What every entry of a list or dictionary is; null otherwise.</summary>
    public ConfigurationShape? Entry { get; }

    public static ConfigurationShape Section(params (string Key, ConfigurationShape Shape)[] keys)
    {
        var byKey = new Dictionary<string, ConfigurationShape>(keys.Length, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, shape) in keys)
        {
            byKey.Add(key, shape);
        }

        return new ConfigurationShape(ConfigurationShapeKind.Section, byKey, entry: null);
    }

    public static ConfigurationShape Entries(ConfigurationShape entry) =>
        new(ConfigurationShapeKind.Entries, new Dictionary<string, ConfigurationShape>(), entry);
}

internal enum ConfigurationShapeKind
{
    Value,
    Section,
    Entries,
}
