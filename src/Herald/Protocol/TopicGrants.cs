using Herald.Routing;

namespace Herald.Protocol;

/// <summary>
/// The topics a credential lets a connection subscribe to: exact names, and prefixes written as a name ending in
/// <c>*</c> (<c>orders:*</c> grants <c>orders:eu</c> and <c>orders:us/new</c>; <c>*</c> alone grants every topic).
/// <c>*</c> is not a topic character (<see cref="TopicRules"/>), so a pattern can never be mistaken for a name.
/// </summary>
internal sealed class TopicGrants
{
    private readonly string[] _names;
    private readonly string[] _prefixes;

    private TopicGrants(string[] names, string[] prefixes)
    {
        _names = names;
        _prefixes = prefixes;
    }

    /// <summary>No topic at all: a credential without the topics claim.</summary>
    public static TopicGrants None { get; } = new([], []);

    /// <summary>The grants as written, for documentation and tests: names and patterns, in order.</summary>
    public IEnumerable<string> Entries => _names.Concat(_prefixes.Select(prefix => prefix + "*"));

    /// <summary>Reads a credential's entries; an entry that is neither a topic name nor a name followed by <c>*</c> is an error.</summary>
    /// <returns>Null with <paramref name="problem"/> saying which entry is unusable.</returns>
    public static TopicGrants? Parse(IEnumerable<string> entries, out string? problem)
    {
        problem = null;
        List<string>? names = null;
        List<string>? prefixes = null;
        foreach (var entry in entries)
        {
            var isPattern = entry.EndsWith('*');
            var name = isPattern ? entry[..^1] : entry;
            if (!(isPattern && name.Length == 0) && TopicRules.Validate(name) is { } invalid)
            {
                problem = $"grants an unusable topic pattern: {invalid}";
                return null;
            }

            (isPattern ? prefixes ??= [] : names ??= []).Add(name);
        }

        return names is null && prefixes is null ? None : new TopicGrants([.. names ?? []], [.. prefixes ?? []]);
    }

    public bool Allows(string topic)
    {
        foreach (var name in _names)
        {
            if (string.Equals(name, topic, StringComparison.Ordinal))
            {
                return true;
            }
        }

        foreach (var prefix in _prefixes)
        {
            if (topic.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
