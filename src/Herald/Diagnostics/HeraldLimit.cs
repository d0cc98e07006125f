namespace Herald.Diagnostics;

/// <summary>
/// The limits that refuse a client, each counted apart (<see cref="HubCounters.LimitRefusals"/>) and named by its
/// <see cref="HeraldLimits.TagValue"/> in the <c>limit</c> tag of <c>herald.limits.refused</c> (docs/operations.md).
/// </summary>
internal enum HeraldLimit
{
    /// <summary><c>MaxConnectionsPerUser</c>: a login refused with 4005.</summary>
    ConnectionsPerUser,

    /// <summary><c>MaxConnectionsPerIp</c>: an upgrade refused with 429.</summary>
    ConnectionsPerIp,

    /// <summary><c>MaxPendingLogins</c>: an upgrade refused with 503.</summary>
    PendingLogins,

    /// <summary><c>ClientMessagesPerSecond</c> and <c>ClientMessageBurst</c>: a connection closed with 4006.</summary>
    ClientMessageRate,

    /// <summary><c>MaxTopicsPerConnection</c>: a subscribe refused with <c>too_many_topics</c>.</summary>
    TopicsPerConnection,
}

/// <summary>The names of <see cref="HeraldLimit"/> that operators see.</summary>
internal static class HeraldLimits
{
    /// <summary>Every limit, in declaration order.</summary>
    public static readonly HeraldLimit[] All = Enum.GetValues<HeraldLimit>();

    /// <summary>The value of the metric's <c>limit</c> tag: public, kept from release to release.</summary>
    public static string TagValue(HeraldLimit limit) => limit switch
    {
        HeraldLimit.ConnectionsPerUser => "connections_per_user",
        HeraldLimit.ConnectionsPerIp => "connections_per_ip",
        HeraldLimit.PendingLogins => "pending_logins",
        HeraldLimit.ClientMessageRate => "client_message_rate",
        HeraldLimit.TopicsPerConnection => "topics_per_connection",
        _ => throw new ArgumentOutOfRangeException(nameof(limit), limit, null),
    };
}
