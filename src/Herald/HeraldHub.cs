using Herald.Delivery;
using Herald.Diagnostics;
using Herald.Routing;
using Microsoft.Extensions.Logging;

namespace Herald;

/// <summary>The in-process face of the hub; the HTTP API is a thin layer over the same parts.</summary>
internal sealed partial class HeraldHub(
    Publisher publisher,
    IBackplane backplane,
    ConnectionRegistry registry,
    HubCounters counters,
    TimeProvider timeProvider,
    ILogger<HeraldHub> logger) : IHeraldHub
{
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
        Log.UserDisconnected(logger, userId, closed, reason);
        return closed;
    }

    public HubStats GetStats() => new(
        Connections: registry.ConnectionCount,
        PendingLogins: registry.PendingLoginCount,
        Users: registry.UserCount,
        ConnectionsOpened: counters.ConnectionsOpened,
        MessagesPublished: counters.MessagesPublished,
        MessagesQueued: counters.MessagesQueued,
        MessagesDelivered: counters.MessagesDelivered,
        MessagesDropped: counters.MessagesDropped,
        SlowConsumerDisconnects: counters.SlowConsumerDisconnects,
        StartedAt: counters.StartedAt,
        UptimeSeconds: Math.Round((timeProvider.GetUtcNow() - counters.StartedAt).TotalSeconds, 3));

    public UserPresence GetUser(string userId)
    {
        if (publisher.ValidateUserId(userId) is { } error)
        {
            throw new ArgumentException(error, nameof(userId));
        }

        var connections = registry.FindUser(userId)?.Count ?? 0;
        return new UserPresence(userId, connections > 0, connections);
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.UserDisconnected, LogLevel.Information, "User {UserId} disconnected on request: {Connections} connections closed with 4004 ({Reason})", EventName = "UserDisconnected")]
        public static partial void UserDisconnected(ILogger logger, string userId, int connections, string reason);
    }
}
