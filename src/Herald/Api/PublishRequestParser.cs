using System.Text.Json;
using System.Text.Unicode;
using Herald.Streams;

namespace Herald.Api;

/// <summary>A publish as the client wrote it, before the publication rules: fields are null (or empty) when absent.</summary>
internal sealed class PublishDraft
{
    public List<string?> Users { get; } = [];

    public List<string?> Topics { get; } = [];

    public bool Broadcast { get; set; }

    public MessageContent? Content { get; set; }

    public string? Key { get; set; }

    public string? IdempotencyKey { get; set; }
}

/// <summary>
/// Reads the JSON bodies of <c>POST /api/v1/publish</c> and <c>/api/v1/publish/batch</c> straight from the UTF-8
/// bytes: <c>data</c> is kept as the exact bytes that were sent, with no document built, and every refusal names
/// the field. Malformed JSON throws <see cref="JsonException"/>; a field that breaks its type is reported, and the
/// rest of the message is still read past, so a batch can go on with the next message.
/// </summary>
internal static class PublishRequestParser
{
    private const string Fields = "users, topics, broadcast, data, key and idempotencyKey";

    /// <summary>The four whitespace bytes JSON allows between tokens.</summary>
    public static ReadOnlySpan<byte> JsonWhitespace => " \t\r\n"u8;

    /// <summary>
    /// What must hold of a whole body before it is parsed: valid UTF-8. Utf8JsonReader does not check the bytes
    /// inside strings, and data is kept as the bytes that were sent, so invalid UTF-8 would reach clients in a text frame.
    /// </summary>
    /// <returns>Null when the body may be parsed, else why not.</returns>
    public static string? CheckBody(ReadOnlySpan<byte> json) =>
        Utf8.IsValid(json) ? null : "the body is not valid UTF-8";

    /// <summary>Reads the publish object that starts at the reader's current token.</summary>
    /// <returns>The draft, or null with <paramref name="error"/> naming the first field that is wrong.</returns>
    public static PublishDraft? ReadMessage(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, out string? error)
    {
        error = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            error = "a publish must be a JSON object";
            reader.Skip();
            return null;
        }

        var draft = new PublishDraft();
        var seen = PublishField.None;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // Names are matched on the raw bytes: a batch reads thousands of them, and a known one needs no string.
            var field = Identify(ref reader);
            var name = field == PublishField.Unknown ? reader.GetString()! : Name(field);
            reader.Read();
            var repeated = field != PublishField.Unknown && (seen & field) != 0;
            seen |= field;
            var problem = repeated ? $"{name} appears more than once" : ReadField(ref reader, json, field, name, draft);
            if (problem is not null)
            {
                error ??= problem;
                reader.Skip();
            }
        }

        return error is null ? draft : null;
    }

    /// <summary>Reads <c>{"messages": [ ... ]}</c> up to the array's first element.</summary>
    /// <returns>Null when the reader is at the array's first token, else why the body is not a batch.</returns>
    public static string? ReadBatchStart(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return "the body must be a JSON object: {\"messages\": [...]}";
        }

        if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("messages"u8))
        {
            return "the body must have exactly one property, messages: {\"messages\": [...]}";
        }

        reader.Read();
        return reader.TokenType == JsonTokenType.StartArray ? null : "messages must be an array of publish objects";
    }

    private static PublishField Identify(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("users"u8) ? PublishField.Users
        : reader.ValueTextEquals("topics"u8) ? PublishField.Topics
        : reader.ValueTextEquals("broadcast"u8) ? PublishField.Broadcast
        : reader.ValueTextEquals("data"u8) ? PublishField.Data
        : reader.ValueTextEquals("key"u8) ? PublishField.Key
        : reader.ValueTextEquals("idempotencyKey"u8) ? PublishField.IdempotencyKey
        : PublishField.Unknown;

    private static string Name(PublishField field) => field switch
    {
        PublishField.Users => "users",
        PublishField.Topics => "topics",
        PublishField.Broadcast => "broadcast",
        PublishField.Data => "data",
        PublishField.Key => "key",
        _ => "idempotencyKey",
    };

    private static string? ReadField(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, PublishField field, string name, PublishDraft draft)
    {
        switch (field)
        {
            case PublishField.Users:
                return ReadStrings(ref reader, name, draft.Users);
            case PublishField.Topics:
                return ReadStrings(ref reader, name, draft.Topics);
            case PublishField.Broadcast:
                if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                {
                    return "broadcast must be true or false";
                }

                draft.Broadcast = reader.GetBoolean();
                return null;
            case PublishField.Data:
                draft.Content = ReadContent(ref reader, json);
                return null;
            case PublishField.Key:
                var keyProblem = ReadOptionalString(ref reader, name, out var key);
                draft.Key = key;
                return keyProblem;
            case PublishField.IdempotencyKey:
                var idempotencyKeyProblem = ReadOptionalString(ref reader, name, out var idempotencyKey);
                draft.IdempotencyKey = idempotencyKey;
                return idempotencyKeyProblem;
            default:
                return $"unknown property '{name}'; a publish takes {Fields}";
        }
    }

    private static MessageContent? ReadContent(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return reader.ValueIsEscaped ? MessageContent.Text(reader.GetString()!) : MessageContent.Text(reader.ValueSpan);
            default:
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                return MessageContent.Json(json[start..(int)reader.BytesConsumed]);
        }
    }

    private static string? ReadStrings(ref Utf8JsonReader reader, string name, List<string?> values)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return $"{name} must be an array of strings";
        }

        string? problem = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                values.Add(reader.GetString());
                continue;
            }

            problem ??= $"{name}[{values.Count}] must be a string";
            reader.Skip();
            values.Add(null);
        }

        return problem;
    }

    private static string? ReadOptionalString(ref Utf8JsonReader reader, string name, out string? value)
    {
        value = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                value = reader.GetString();
                return null;
            default:
                return $"{name} must be a string";
        }
    }

    /// <summary>The fields of a publish, as flags so that one integer remembers which were seen.</summary>
    [Flags]
    private enum PublishField
    {
        None = 0,
        Users = 1,
        Topics = 2,
        Broadcast = 4,
        Data = 8,
        Key = 16,
        IdempotencyKey = 32,
        Unknown = 64,
    }
}
