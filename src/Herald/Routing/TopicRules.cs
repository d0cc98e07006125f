using System.Buffers;

namespace Herald.Routing;

/// <summary>The one rule for topic names, shared by subscribe and the publish API so both answer alike.</summary>
internal static class TopicRules
{
    public const int MaxLength = 128;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-:/");

    /// <returns>Null when <paramref name="topic"/> is usable, else the reason it is not, naming <paramref name="field"/>.</returns>
    public static string? Validate(string? topic, string field = "topic") =>
        topic is { Length: > 0 and <= MaxLength } && !topic.AsSpan().ContainsAnyExcept(Allowed)
            ? null
            : $"{field} must be 1 to {MaxLength} characters of A-Z a-z 0-9 . _ - : / (was '{Shorten(topic)}')";

    private static string Shorten(string? topic) => topic is null ? string.Empty
        : topic.Length <= MaxLength ? topic
        : string.Concat(topic.AsSpan(0, 32), "…");
}
