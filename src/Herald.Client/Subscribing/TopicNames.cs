using System.Buffers;

namespace Herald.Client.Subscribing;

/// <summary>The protocol's rule for a topic name, checked before a command is sent (docs/protocol.md, <c>subscribe</c>).</summary>
internal static class TopicNames
{
    public const int MaxLength = 128;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-:/");

    private const string StreamPrefix = "topic:";

    /// <summary>The topic's stream: <c>topic:&lt;name&gt;</c>.</summary>
    public static string Stream(string topic) => StreamPrefix + topic;

    /// <summary>The topic of a <c>topic:&lt;name&gt;</c> stream; null for any other stream.</summary>
    public static string? TopicOf(string stream) =>
        stream.StartsWith(StreamPrefix, StringComparison.Ordinal) ? stream[StreamPrefix.Length..] : null;

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="topic"/> is not 1 to 128 characters of <c>A-Z a-z 0-9 . _ - : /</c>.</summary>
    public static void ThrowIfInvalid(string topic, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(topic, parameterName);
        if (topic.Length is 0 or > MaxLength || topic.AsSpan().ContainsAnyExcept(Allowed))
        {
            throw new ArgumentException($"A topic must be 1 to {MaxLength} characters of A-Z a-z 0-9 . _ - : / (was '{topic}').", parameterName);
        }
    }
}
