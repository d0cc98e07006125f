using Microsoft.Extensions.Configuration;

namespace Herald.Hosting;

/// <summary>
/// Finds the keys under <c>Herald</c> that no option reads, comparing the configuration with
/// <see cref="HeraldConfigurationKeys"/> as the binder would (without regard to case; a list's or dictionary's
/// entries under any names), and names for each the nearest key at its level.
/// </summary>
internal static class UnknownConfigurationKeys
{
    /// <summary>
    /// Every unknown key, the outermost only: a misspelt section is one key, not one per key under it. Values are
    /// never read, so nothing of a secret is in the answer.
    /// </summary>
    public static IReadOnlyList<UnknownSetting> Find(IConfiguration configuration)
    {
        var unknown = new List<UnknownSetting>();
        Walk(configuration.GetSection(HeraldOptions.SectionName), HeraldConfigurationKeys.Herald, unknown);
        return unknown;
    }

    private static void Walk(IConfigurationSection section, ConfigurationShape shape, List<UnknownSetting> unknown)
    {
        foreach (var child in section.GetChildren())
        {
            switch (shape.Kind)
            {
                case ConfigurationShapeKind.Section when shape.Keys.TryGetValue(child.Key, out var known):
                    Walk(child, known, unknown);
                    break;
                case ConfigurationShapeKind.Section:
                    unknown.Add(new UnknownSetting(child.Path, Nearest(child.Key, shape.Keys.Keys)));
                    break;
                case ConfigurationShapeKind.Entries:
                    Walk(child, shape.Entry!, unknown);
                    break;
                default:
                    // A key under a value (Herald:MaxQueuedMessages:Limit): the binder reads the value only.
                    unknown.Add(new UnknownSetting(child.Path, Suggestion: null));
                    break;
            }
        }
    }

    /// <summary>
    /// The known key with the fewest edits from <paramref name="key"/>, if it is close enough to be a slip: at most a
    /// third of the key's characters (and always one) inserted, deleted, replaced or swapped with a neighbour.
    /// </summary>
    public static string? Nearest(string key, IEnumerable<string> known)
    {
        var allowed = Math.Max(1, key.Length / 3);
        string? nearest = null;
        var best = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = EditDistance(key, candidate);
            if (distance <= allowed && distance < best)
            {
                nearest = candidate;
                best = distance;
            }
        }

        return nearest;
    }

    /// <summary>The optimal string alignment distance, ignoring case as the binder does: a swap of two neighbours is one edit.</summary>
    public static int EditDistance(string a, string b)
    {
        // Three rows of the dynamic programme: the one before last, the last, the current.
        var twoBack = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = SameLetter(a[i - 1], b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && SameLetter(a[i - 1], b[j - 2]) && SameLetter(a[i - 2], b[j - 1]))
                {
                    current[j] = Math.Min(current[j], twoBack[j - 2] + 1);
                }
            }

            (twoBack, previous, current) = (previous, current, twoBack);
        }

        return previous[b.Length];
    }

    private static bool SameLetter(char a, char b) => char.ToUpperInvariant(a) == char.ToUpperInvariant(b);
}

/// <summary>A key under <c>Herald</c> that no option reads: its path as configuration spells it, and the nearest known key at its level, if any is near.</summary>
internal sealed record UnknownSetting(string Path, string? Suggestion)
{
    /// <summary>What the operator should read next: the near key, or where the keys are listed.</summary>
    public string Hint => Suggestion is null ? "docs/configuration.md lists the keys" : $"did you mean {Suggestion}?";
}
