using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Api;

/// <summary>Source-generated JSON for every body the HTTP API reads or writes.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SendRequestBody))]
[JsonSerializable(typeof(DisconnectRequestBody))]
[JsonSerializable(typeof(DisconnectResponse))]
[JsonSerializable(typeof(HubStats))]
[JsonSerializable(typeof(UserPresence))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;

/// <summary>The JSON body <c>POST /send</c> accepts.</summary>
internal sealed record SendRequestBody(string? Uid, string? Message);

/// <summary>The optional JSON body of <c>POST /api/v1/users/{uid}/disconnect</c>.</summary>
internal sealed record DisconnectRequestBody(string? Reason);

/// <summary>The answer to a disconnect: how many connections were closed.</summary>
internal sealed record DisconnectResponse(int Disconnected);
