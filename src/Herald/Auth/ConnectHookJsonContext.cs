using System.Text.Json.Serialization;

namespace Herald.Auth;

/// <summary>
/// Source-generated JSON for the connect hook's requests and answers (docs/security.md). The answers are read
/// strictly: names as written (no other case), no property the contract does not have and none twice, so that a
/// misspelt <c>expiresAt</c> or a second <c>uid</c> is an unusable answer instead of a silent difference.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(ConnectHookRequest))]
[JsonSerializable(typeof(SubscribeHookRequest))]
[JsonSerializable(typeof(ConnectHookAnswer))]
[JsonSerializable(typeof(SubscribeHookAnswer))]
[JsonSerializable(typeof(ConnectHookRefusal))]
internal sealed partial class ConnectHookJsonContext : JsonSerializerContext;

/// <summary>What Herald asks at a login: the upgrade's forwarded headers and the client's address.</summary>
internal sealed record ConnectHookRequest(string Type, IReadOnlyDictionary<string, string> Headers, string RemoteAddress);

/// <summary>What Herald asks at a subscribe its grants do not cover.</summary>
internal sealed record SubscribeHookRequest(string Type, string Uid, string Topic);

/// <summary>The backend's 200 to a connect check: who the client is, its topics and until when (RFC 3339).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ConnectHookAnswer(string? Uid, string?[]? Topics, string? ExpiresAt);

/// <summary>The backend's 200 to a subscribe check.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record SubscribeHookAnswer(bool? Allowed, string? Reason);

/// <summary>
/// The optional body of a refusal (401, 403): read leniently, since frameworks answer 403 with bodies of their own;
/// only a short printable <c>reason</c> reaches the client.
/// </summary>
internal sealed record ConnectHookRefusal(string? Reason);
