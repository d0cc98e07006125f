using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Client;

/// <summary>Source-generated JSON for every body the client sends or reads.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SendBody))]
[JsonSerializable(typeof(SendAnswer))]
[JsonSerializable(typeof(DisconnectBody))]
[JsonSerializable(typeof(DisconnectAnswer))]
[JsonSerializable(typeof(HeraldHubStats))]
[JsonSerializable(typeof(HeraldUserPresence))]
[JsonSerializable(typeof(ProblemBody))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;

internal sealed record SendBody(string Uid, string Message);

internal sealed record SendAnswer(int Delivered);

internal sealed record DisconnectBody(string? Reason);

internal sealed record DisconnectAnswer(int Disconnected);

/// <summary>The fields of an RFC 9457 problem the client reads.</summary>
internal sealed record ProblemBody(string? Title, string? Detail, Dictionary<string, string[]>? Errors);
