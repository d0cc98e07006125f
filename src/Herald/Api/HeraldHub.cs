using Herald.Delivery;
using Herald.Diagnostics;
using Herald.Routing;
using Herald.Streams;
using Herald.WebSockets;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Herald.Api;

/// <summary>The in-process face of the hub; the HTTP API is a thin layer over the same parts.</summary>
internal sealed partial class HeraldHub(
    Publisher publisher,
    PublicationRules rules,
    InMemoryHistory history,
    IIdempotencyStore idempotency,
    IBackplane backplane,
    WebSocketConnectionSet connections,
    ConnectionRegistry registry,
    HubCounters counters,
    IClusterView cluster,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : IHeraldHub
{
    private readonly ILogger _logger = loggerFactory.CreateLogger(LogCategories.Hub);

    public ValueTask<int> SendToUserAsync(string userId, string message, CancellationToken cancellationToken = default)
    {
        if (publisher.ValidateUserId(userId) is { } userIdError)
        {
            throw new ArgumentException(userIdError, nameof(userId));
        }

        if (publisher.ValidateMessage(message) is { } messageError)
        {
            throw new ArgumentException(messageError, nameof(message));
        }

        return publisher.SendToUserAsync(userId, message, cancellationToken);
    }

    public async ValueTask<HeraldPublishResult> PublishAsync(HeraldPublication publication, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(publication);
        var content = ReadContent(publication, out var contentError);
        var accepted = contentError is null
            ? rules.TryCreate(publication.Users, publication.Topics, publication.Broadcast, content, publication.Key, publication.IdempotencyKey, out contentError)
            : null;
        if (accepted is null)
        {
            throw new ArgumentException(contentError, nameof(publication));
        }

        var outcome = await publisher.PublishAsync(accepted, cancellationToken);
        return outcome.Result ?? throw new ArgumentException(outcome.Conflict, nameof(publication));
    }

    public async ValueTask<int> DisconnectUserAsync(string userId, string? reason = null, CancellationToken cancellationToken = default)
    {
        if (publisher.ValidateUserId(userId) is { } userIdError)
        {
            throw new ArgumentException(userIdError, nameof(userId));
        }

        if (DisconnectReason.Validate(reason) is { } reasonError)
        {
            throw new ArgumentException(reasonError, nameof(reason));
        }

        reason ??= DisconnectReason.Default;
        var closed = await backplane.DisconnectUserAsync(userId, reason, cancellationToken);
        Log.UserDisconnected(_logger, LogText.Escape(userId), closed, LogText.Escape(reason));
        return closed;
    }

    // Read once: the attribute does not change while the process runs.
    private static readonly string Version =
        typeof(HeraldHub).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? string.Empty;

    public HubStats GetStats()
    {
        var kept = history.Counts;
        return new HubStats(
        Connections: connections.Count,
        PendingLogins: Math.Max(0, connections.Count - registry.LoggedInCount),
        Users: registry.UserCount,
        ConnectionsOpened: counters.ConnectionsOpened,
        MessagesPublished: counters.MessagesPublished,
        MessagesQueued: counters.MessagesQueued,
        MessagesDelivered: counters.MessagesDelivered,
        MessagesDropped: counters.MessagesDropped,
        SlowConsumerDisconnects: counters.SlowConsumerDisconnects,
        StartedAt: counters.StartedAt,
        UptimeSeconds: Math.Round((timeProvider.GetUtcNow() - counters.StartedAt).TotalSeconds, 3),
        Topics: registry.TopicCount,
        MessagesConflated: counters.MessagesConflated,
        HistoryStreams: kept.Streams,
        HistoryMessages: kept.Messages,
        HistoryBytes: kept.Bytes,
        IdempotencyKeys: idempotency.Count,
        IdempotencyBytes: idempotency.Bytes,
        MessagesReplayed: counters.MessagesReplayed,
        LimitRefusals: counters.LimitRefusalsTotal)
        {
            Version = Version,
        };
    }

    public UserPresence GetUser(string userId)
    {
        if (publisher.ValidateUserId(userId) is { } error)
        {
            throw new ArgumentException(error, nameof(userId));
        }

        // One snapshot for both the count and the details, so the two always agree.
        var subscriptions = registry.FindUser(userId)?.Snapshot ?? [];
        return new UserPresence(userId, subscriptions.Count > 0, subscriptions.Count)
        {
            ConnectionDetails = [.. subscriptions.Select(subscription => ((ConnectionMembership)subscription.Subscriber).Describe())],
        };
    }

    public ValueTask<HubStats> GetStatsAsync(CancellationToken cancellationToken = default) => cluster.GetStatsAsync(GetStats(), cancellationToken);

    public ValueTask<UserPresence> GetUserAsync(string userId, CancellationToken cancellationToken = default) => cluster.GetUserAsync(GetUser(userId), cancellationToken);

    private static MessageContent? ReadContent(HeraldPublication publication, out string? error)
    {
        error = null;
        switch (publication)
        {
            case { Text: not null, Json: not null }:
                error = "give the message as Text or as Json, not both";
                return null;
            case { Text: { } text }:
                return MessageContent.Text(text);
            case { Json: { ValueKind: JsonValueKind.String } json }:
                return MessageContent.Text(json.GetString()!);
            case { Json: { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } json }:
                return MessageContent.Json(JsonMarshal.GetRawUtf8Value(json));
            default:
                return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.UserDisconnected, LogLevel.Information, "User {UserId} disconnected on request: {Connections} connections closed with 4004 ({Reason})", EventName = "UserDisconnected")]
        public static partial void UserDisconnected(ILogger logger, string userId, int connections, string reason);
    }
}
