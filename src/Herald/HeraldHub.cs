using Herald.Delivery;
using Herald.Diagnostics;
using Herald.Routing;

namespace Herald;

/// <summary>The in-process face of the hub; the HTTP API is a thin layer over the same parts.</summary>
internal sealed class HeraldHub(Publisher publisher, ConnectionRegistry registry, HubCounters counters, TimeProvider timeProvider) : IHeraldHub
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
}
