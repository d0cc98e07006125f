using System.Text.Json.Serialization;
using Herald;

/// <summary>
/// The answer types whose schemas the OpenAPI document takes from the generator (<see cref="HeraldApiDocument"/>):
/// generated metadata, so that the document is also made in a trimmed or Native AOT build, which has no reflection-based JSON.
/// </summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(HubStats))]
[JsonSerializable(typeof(UserPresence))]
[JsonSerializable(typeof(HeraldPublishResult))]
internal sealed partial class OpenApiJsonContext : JsonSerializerContext;
