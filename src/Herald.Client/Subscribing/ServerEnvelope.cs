using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Client.Subscribing;

/// <summary>
/// Any <c>herald.v1</c> envelope the server sends, with every field any type uses (docs/protocol.md, "Server to
/// client"); which ones are set depends on <see cref="Type"/>. <see cref="Data"/> is deserialized into its own
/// document, so it stays valid after the receive buffer is reused.
/// </summary>
internal sealed class ServerEnvelope
{
    public string? Type { get; init; }

    public string? Stream { get; init; }

    public string? Epoch { get; init; }

    public long? Seq { get; init; }

    public bool? Recovered { get; init; }

    public string? Reason { get; init; }

    public int? Replayed { get; init; }

    public string? Id { get; init; }

    public DateTimeOffset? Time { get; init; }

    public JsonElement? Data { get; init; }

    public string? Key { get; init; }

    public string? Code { get; init; }

    public string? Message { get; init; }

    public string? Command { get; init; }

    public string? Uid { get; init; }

    [JsonPropertyName("expires_at")]
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Parses one text frame.</summary>
    /// <exception cref="JsonException">The frame is not a JSON object with fields of the protocol's types.</exception>
    public static ServerEnvelope Parse(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize(utf8, SubscriberJsonContext.Default.ServerEnvelope)
            ?? throw new JsonException("The envelope is null, not a JSON object.");
}

/// <summary>Source-generated JSON for the envelopes the subscriber reads. Property names are exact, as the protocol says.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ServerEnvelope))]
internal sealed partial class SubscriberJsonContext : JsonSerializerContext;
