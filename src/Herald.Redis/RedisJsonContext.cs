using System.Text.Json.Serialization;

namespace Herald.Redis;

/// <summary>What Herald.Redis keeps as JSON, serialized without reflection (the package is trimmed and AOT-compatible).</summary>
[JsonSerializable(typeof(HeraldPublishResult))]
internal sealed partial class RedisJsonContext : JsonSerializerContext;
