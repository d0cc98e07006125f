namespace Herald.Redis;

/// <summary>
/// Herald's Redis settings, bound from <c>Herald:Redis</c> and validated at start; docs/scaling.md describes them.
/// Every node of one cluster must use the same <see cref="Prefix"/> and <see cref="Fanout"/>.
/// </summary>
public sealed class HeraldRedisOptions
{
    /// <summary>The configuration section the options bind, under Herald's own.</summary>
    public const string SectionName = "Herald:Redis";

    /// <summary>Default for <see cref="Prefix"/>.</summary>
    public const string DefaultPrefix = "herald";

    /// <summary>
    /// The StackExchange.Redis configuration string: <c>localhost:6379</c>, or several endpoints and options
    /// (<c>redis1:6379,redis2:6379,password=…,ssl=true</c>; a Sentinel's <c>serviceName=…</c>). Required.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>The start of every key and channel Herald uses, so that several clusters can share one Redis.</summary>
    public string Prefix { get; set; } = DefaultPrefix;

    /// <summary>How published messages reach the nodes: only those with subscribers of the stream (the default, routed by presence, or by a channel per stream), or all of them.</summary>
    public HeraldRedisFanout Fanout { get; set; } = HeraldRedisFanout.Routed;

    /// <summary>How often a node tells Redis it is alive, with its counts.</summary>
    public TimeSpan NodeHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a node may go without a heartbeat before the others count it as gone: its connections leave the
    /// cluster's presence and its entries are cleaned up. At least twice <see cref="NodeHeartbeatInterval"/>.
    /// </summary>
    public TimeSpan NodeTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a Redis command may take before Herald gives up on it and answers 503.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>How a published message reaches the nodes (docs/scaling.md, "Fan-out").</summary>
public enum HeraldRedisFanout
{
    /// <summary>
    /// A channel per node, which the publish script sends a stream's message on for each node whose presence
    /// counts connections on the stream: a node receives only what its connections need, and subscribes to one
    /// channel however many streams it watches. The broadcast stream's channel every node subscribes to. On Redis
    /// Cluster every node channel's message crosses the cluster bus: use <see cref="Subscribed"/> there.
    /// </summary>
    Routed,

    /// <summary>
    /// A sharded channel per stream, which a node subscribes to while one of its connections is on the stream:
    /// a node receives only what its connections need. The broadcast stream's channel every node subscribes to.
    /// </summary>
    Subscribed,

    /// <summary>One channel every node subscribes to: every node receives every message, and drops those it has no subscriber for.</summary>
    Everything,
}
