using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Bench.Net;

/// <summary>Source-generated JSON for the server's answers the generator reads.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ServerStats))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;

/// <summary><c>GET /api/v1/stats</c>, the fields the generator uses.</summary>
internal sealed record ServerStats(
    int Connections,
    int PendingLogins,
    int Users,
    long ConnectionsOpened,
    long MessagesPublished,
    long MessagesQueued,
    long MessagesDelivered,
    long MessagesDropped,
    long SlowConsumerDisconnects);
