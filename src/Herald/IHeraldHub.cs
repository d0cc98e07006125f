namespace Herald;

/// <summary>
/// Herald from inside the process that hosts it: push to users and read the hub's state without going
/// through HTTP. Resolve it from dependency injection after <c>AddHerald()</c>.
/// </summary>
public interface IHeraldHub
{
    /// <summary>Sends <paramref name="message"/> as text to the user's stream: every live connection of the user gets it, and it is kept in the stream's history.</summary>
    /// <returns>How many connections the message was queued for; 0 when the user has none.</returns>
    /// <exception cref="ArgumentException">The user ID or the message breaks the configured limits.</exception>
    /// <exception cref="BackplaneUnavailableException">With Redis (<c>AddRedis()</c>): the cluster's Redis is unreachable or did not answer within its command timeout. Nothing was accepted; after a timeout the message may still have gone out, so retry with an idempotency key to publish exactly once. Retry after its <see cref="BackplaneUnavailableException.RetryAfter"/>.</exception>
    ValueTask<int> SendToUserAsync(string userId, string message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes a message to users, topics or everyone (the same as <c>POST /api/v1/publish</c>): each target
    /// stream gives it its next seq, keeps it in its history and queues it to every connection on it.
    /// </summary>
    /// <returns>The message's ID, and its seq and reach in each stream.</returns>
    /// <exception cref="ArgumentException">The publication breaks a rule (the message says which), or reuses an idempotency key for a different message.</exception>
    /// <exception cref="BackplaneUnavailableException">With Redis (<c>AddRedis()</c>): the cluster's Redis is unreachable or did not answer within its command timeout. Nothing was accepted; after a timeout the message may still have gone out, so retry with an idempotency key to publish exactly once. Retry after its <see cref="BackplaneUnavailableException.RetryAfter"/>.</exception>
    ValueTask<HeraldPublishResult> PublishAsync(HeraldPublication publication, CancellationToken cancellationToken = default);

    /// <summary>
    /// Closes every connection of the user with close code 4004 and <paramref name="reason"/>, dropping what is
    /// still queued for them: after a logout or a ban, say. The user may connect again afterwards.
    /// </summary>
    /// <returns>How many connections were closed; 0 when the user has none.</returns>
    /// <exception cref="ArgumentException">The user ID is invalid, or the reason is over 100 bytes of UTF-8.</exception>
    /// <exception cref="BackplaneUnavailableException">With Redis (<c>AddRedis()</c>): the cluster's Redis is unreachable or did not answer within its command timeout. This node's connections of the user may be closed already, the other nodes' not. Retry after its <see cref="BackplaneUnavailableException.RetryAfter"/>.</exception>
    ValueTask<int> DisconnectUserAsync(string userId, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>This node's counts and running totals right now (on a single node, the hub's; for the cluster's, <see cref="GetStatsAsync"/>).</summary>
    HubStats GetStats();

    /// <summary>Whether the user is connected to this node, with how many connections and the details of each (for the cluster, <see cref="GetUserAsync"/>).</summary>
    /// <exception cref="ArgumentException">The user ID breaks the configured limits.</exception>
    UserPresence GetUser(string userId);

    /// <summary>
    /// The whole hub's counts, as <c>GET /api/v1/stats</c> answers: on a single node the same as <see cref="GetStats"/>;
    /// on a cluster (Herald.Redis) the sums over the live nodes, with <see cref="HubStats.Node"/> and <see cref="HubStats.Nodes"/>.
    /// </summary>
    ValueTask<HubStats> GetStatsAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(GetStats());

    /// <summary>
    /// Whether the user is connected anywhere in the hub, as <c>GET /api/v1/users/{uid}</c> answers: on a single node
    /// the same as <see cref="GetUser"/>; on a cluster (Herald.Redis) the connections over the live nodes, with
    /// <see cref="UserPresence.Nodes"/>, and this node's <see cref="UserPresence.ConnectionDetails"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The user ID breaks the configured limits.</exception>
    ValueTask<UserPresence> GetUserAsync(string userId, CancellationToken cancellationToken = default) => ValueTask.FromResult(GetUser(userId));
}
