using System.Text.Json;
using Herald.Streams;

namespace Herald.Protocol;

/// <summary>
/// Reads a herald.v1 client message. Commands are rare (a login, a few subscribes), so this favours exact error
/// messages over speed and reads the whole message as a document.
/// </summary>
internal static class ClientCommandParser
{
    private const int MaxEpochLength = 64;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 8 };

    /// <returns>The command, or null with <paramref name="error"/> saying why the message is not one.</returns>
    public static ClientCommand? Parse(ReadOnlyMemory<byte> utf8, out CommandError? error)
    {
        error = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, DocumentOptions);
        }
        catch (JsonException exception)
        {
            error = new CommandError(HeraldV1ErrorCodes.InvalidCommand, $"not a JSON object: {exception.Message}", null);
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = new CommandError(HeraldV1ErrorCodes.InvalidCommand, $"a command must be a JSON object (was {Describe(root.ValueKind)})", null);
                return null;
            }

            if (!JsonStrings.TryGetProperty(root, "type"u8, out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                error = new CommandError(HeraldV1ErrorCodes.InvalidCommand, "type is required and must be a string", null);
                return null;
            }

            if (JsonStrings.TryGetString(typeElement, out var type) is { } typeProblem)
            {
                error = new CommandError(HeraldV1ErrorCodes.InvalidCommand, $"type {typeProblem}", null);
                return null;
            }

            var kind = type switch
            {
                "login" => CommandKind.Login,
                "subscribe" => CommandKind.Subscribe,
                "unsubscribe" => CommandKind.Unsubscribe,
                "ping" => CommandKind.Ping,
                "refresh" => CommandKind.Refresh,
                _ => (CommandKind?)null,
            };
            if (kind is null)
            {
                error = new CommandError(HeraldV1ErrorCodes.UnknownType, $"unknown type '{type}'; this server knows login, subscribe, unsubscribe, refresh and ping", type);
                return null;
            }

            string? message = null;
            var command = kind switch
            {
                CommandKind.Login => ReadLogin(root, out message),
                CommandKind.Subscribe => ReadSubscribe(root, out message),
                CommandKind.Unsubscribe => ReadUnsubscribe(root, out message),
                CommandKind.Refresh => ReadRefresh(root, out message),
                _ => new ClientCommand(CommandKind.Ping, null, null, null, null),
            };
            if (message is not null)
            {
                error = new CommandError(HeraldV1ErrorCodes.InvalidCommand, message, type);
            }

            return command;
        }
    }

    private static ClientCommand? ReadLogin(JsonElement root, out string? error)
    {
        error = null;
        var uid = JsonStrings.TryGetProperty(root, "uid"u8, out var uidElement) ? uidElement : default;
        if (uid.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.String))
        {
            error = "uid must be a string";
            return null;
        }

        string? userId = null;
        if (uid.ValueKind == JsonValueKind.String && JsonStrings.TryGetString(uid, out userId) is { } uidProblem)
        {
            error = $"uid {uidProblem}";
            return null;
        }

        Dictionary<string, StreamPosition>? resume = null;
        if (JsonStrings.TryGetProperty(root, "resume"u8, out var resumeElement))
        {
            if (resumeElement.ValueKind != JsonValueKind.Object)
            {
                error = "resume must be an object mapping a stream name to a position";
                return null;
            }

            resume = new Dictionary<string, StreamPosition>(StringComparer.Ordinal);
            foreach (var property in resumeElement.EnumerateObject())
            {
                if (JsonStrings.TryGetName(property, out var stream) is { } nameProblem)
                {
                    error = $"resume names a stream that {nameProblem}";
                    return null;
                }

                if (ReadPosition(property.Value, $"resume.{stream}", out error) is not { } position)
                {
                    return null;
                }

                resume[stream!] = position;
            }
        }

        if (ReadToken(root, required: false, out error) is var token && error is not null)
        {
            return null;
        }

        return new ClientCommand(CommandKind.Login, userId, null, null, resume, token);
    }

    private static ClientCommand? ReadRefresh(JsonElement root, out string? error) =>
        ReadToken(root, required: true, out error) is { } token ? new ClientCommand(CommandKind.Refresh, null, null, null, null, token) : null;

    private static string? ReadToken(JsonElement root, bool required, out string? error)
    {
        error = null;
        if (!JsonStrings.TryGetProperty(root, "token"u8, out var element))
        {
            error = required ? "token is required and must be a string" : null;
            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            error = "token must be a string";
            return null;
        }

        if (JsonStrings.TryGetString(element, out var token) is { } problem)
        {
            error = $"token {problem}";
            return null;
        }

        if (token!.Length == 0)
        {
            error = "token must not be empty";
            return null;
        }

        return token;
    }

    private static ClientCommand? ReadSubscribe(JsonElement root, out string? error)
    {
        error = null;
        StreamPosition? position = null;
        if (JsonStrings.TryGetProperty(root, "resume"u8, out var resumeElement) && (position = ReadPosition(resumeElement, "resume", out error)) is null)
        {
            return null;
        }

        var topic = ReadTopic(root, out error);
        return error is null ? new ClientCommand(CommandKind.Subscribe, null, topic, position, null) : null;
    }

    private static ClientCommand? ReadUnsubscribe(JsonElement root, out string? error)
    {
        var topic = ReadTopic(root, out error);
        return error is null ? new ClientCommand(CommandKind.Unsubscribe, null, topic, null, null) : null;
    }

    /// <summary>The topic as sent: null when absent (the topic rules refuse it), an error when it is not a string.</summary>
    private static string? ReadTopic(JsonElement root, out string? error)
    {
        error = null;
        if (!JsonStrings.TryGetProperty(root, "topic"u8, out var element))
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            error = "topic must be a string";
            return null;
        }

        if (JsonStrings.TryGetString(element, out var topic) is { } problem)
        {
            error = $"topic {problem}";
        }

        return topic;
    }

    /// <summary>Reads <c>{"epoch": string | null, "seq": n}</c>: a null or absent epoch only with seq 0.</summary>
    private static StreamPosition? ReadPosition(JsonElement element, string field, out string? error)
    {
        error = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = $"{field} must be a position: {{\"epoch\": string, \"seq\": number}}";
            return null;
        }

        if (!JsonStrings.TryGetProperty(element, "seq"u8, out var seqElement) || seqElement.ValueKind != JsonValueKind.Number
            || !seqElement.TryGetInt64(out var seq) || seq < 0)
        {
            error = $"{field}.seq is required and must be a whole number, 0 or more";
            return null;
        }

        var epoch = JsonStrings.TryGetProperty(element, "epoch"u8, out var epochElement) ? epochElement : default;
        if (epoch.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            error = seq == 0 ? null : $"{field}.epoch is required when seq is not 0";
            return seq == 0 ? StreamPosition.Start : null;
        }

        string? text = null;
        if (epoch.ValueKind == JsonValueKind.String && JsonStrings.TryGetString(epoch, out text) is { } problem)
        {
            error = $"{field}.epoch {problem}";
            return null;
        }

        if (text is not { Length: > 0 and <= MaxEpochLength })
        {
            error = $"{field}.epoch must be a string of 1 to {MaxEpochLength} characters, as the server sent it";
            return null;
        }

        return new StreamPosition(text, seq);
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
