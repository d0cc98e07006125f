using Herald.Routing;
using Herald.Streams;

namespace Herald.Delivery;

/// <summary>
/// The rules of a publish (docs/http-api.md, <c>POST /api/v1/publish</c>), shared by the HTTP API and
/// <see cref="IHeraldHub.PublishAsync"/>. Every refusal names the field that broke a rule.
/// </summary>
internal sealed class PublicationRules(HeraldOptions options)
{
    public const int MaxKeyLength = 128;

    /// <returns>The publication, or null with <paramref name="error"/> saying what is wrong.</returns>
    public Publication? TryCreate(
        IReadOnlyList<string?> users,
        IReadOnlyList<string?> topics,
        bool broadcast,
        MessageContent? content,
        string? key,
        string? idempotencyKey,
        out string? error)
    {
        error = ValidateTargets(users, topics, broadcast)
            ?? ValidateContent(content)
            ?? ValidateKey(key, "key")
            ?? ValidateKey(idempotencyKey, "idempotencyKey");
        if (error is not null)
        {
            return null;
        }

        var streams = new List<StreamId>(users.Count + topics.Count + (broadcast ? 1 : 0));
        AddOnce(streams, users, StreamId.ForUser);
        AddOnce(streams, topics, StreamId.ForTopic);
        if (broadcast)
        {
            streams.Add(StreamId.Broadcast);
        }

        return new Publication(streams, content!, key, idempotencyKey);
    }

    /// <summary>Adds a stream per distinct target, in order. Loops, not LINQ: a batch runs this for every message.</summary>
    private static void AddOnce(List<StreamId> streams, IReadOnlyList<string?> targets, Func<string, StreamId> toStream)
    {
        HashSet<string>? seen = targets.Count > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i]!;
            if (seen is null || seen.Add(target))
            {
                streams.Add(toStream(target));
            }
        }
    }

    /// <returns>Null when a message of <paramref name="utf8Length"/> bytes may be published, else why not, naming <paramref name="field"/>.</returns>
    public string? ValidateSize(int utf8Length, string field) =>
        utf8Length > options.MaxMessageBytes
            ? $"{field} must be at most {options.MaxMessageBytes} bytes of UTF-8 (was {utf8Length})"
            : null;

    private string? ValidateTargets(IReadOnlyList<string?> users, IReadOnlyList<string?> topics, bool broadcast)
    {
        for (var i = 0; i < users.Count; i++)
        {
            if (UserIdRules.Validate(users[i], options.MaxUserIdLength, $"users[{i}]") is { } userError)
            {
                return userError;
            }
        }

        for (var i = 0; i < topics.Count; i++)
        {
            if (TopicRules.Validate(topics[i], $"topics[{i}]") is { } topicError)
            {
                return topicError;
            }
        }

        if (users.Count == 0 && topics.Count == 0 && !broadcast)
        {
            return "at least one target is required: users, topics or broadcast";
        }

        var targets = users.Count + topics.Count;
        return targets > options.MaxPublishTargets
            ? $"users and topics may name at most {options.MaxPublishTargets} targets together (was {targets})"
            : null;
    }

    private string? ValidateContent(MessageContent? content) => content is null
        ? "data is required and must not be null"
        : ValidateSize(content.Length, "data");

    private static string? ValidateKey(string? key, string field) =>
        key is null or { Length: > 0 and <= MaxKeyLength } ? null : $"{field} must be 1 to {MaxKeyLength} characters (was {key.Length})";
}
