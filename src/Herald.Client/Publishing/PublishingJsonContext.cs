using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Client;

/// <summary>Source-generated JSON for every body the publisher sends or reads.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SendBody))]
[JsonSerializable(typeof(SendAnswer))]
[JsonSerializable(typeof(DisconnectBody))]
[JsonSerializable(typeof(DisconnectAnswer))]
[JsonSerializable(typeof(HeraldHubStats))]
[JsonSerializable(typeof(HeraldUserPresence))]
[JsonSerializable(typeof(ProblemBody))]
[JsonSerializable(typeof(PublishBody))]
[JsonSerializable(typeof(HeraldPublishResult))]
[JsonSerializable(typeof(BatchBody))]
[JsonSerializable(typeof(BatchAnswer))]
[JsonSerializable(typeof(string))]
internal sealed partial class PublishingJsonContext : JsonSerializerContext;

internal sealed record SendBody(string Uid, string Message);

internal sealed record SendAnswer(int Delivered);

internal sealed record DisconnectBody(string? Reason);

internal sealed record DisconnectAnswer(int Disconnected);

/// <summary>The fields of an RFC 9457 problem the client reads.</summary>
internal sealed record ProblemBody(string? Title, string? Detail, Dictionary<string, string[]>? Errors);

/// <summary>
/// The body of <c>POST /api/v1/publish</c> and of one batch item. The server refuses unknown properties and
/// treats a missing one as not given, so absent values are left out rather than written as null or false.
/// </summary>
internal sealed record PublishBody(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Users,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Topics,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Broadcast,
    JsonElement Data,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Key,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? IdempotencyKey)
{
    public static PublishBody From(HeraldPublication publication) => new(
        publication.Users, publication.Topics, publication.Broadcast, publication.Data, publication.Key, publication.IdempotencyKey);
}

internal sealed record BatchBody(IReadOnlyList<PublishBody> Messages);

internal sealed record BatchAnswer(IReadOnlyList<BatchItemAnswer>? Results);

/// <summary>One item of a batch answer: a publish result with its status, or a status with an error.</summary>
internal sealed record BatchItemAnswer(int Status, string? Id, int Delivered, IReadOnlyList<HeraldStreamDelivery>? Streams, bool Duplicate, string? Error);
