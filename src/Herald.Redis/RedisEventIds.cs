namespace Herald.Redis;

/// <summary>
/// Every log event id Herald.Redis writes, the 5xx hundred beside Herald's own (docs/operations.md): 50x the
/// connection to Redis, 51x delivery between nodes, 52x presence and the node heartbeats.
/// </summary>
internal static class RedisEventIds
{
    public const int RedisConnected = 500;
    public const int RedisConnectionLost = 501;
    public const int RedisConnectionRestored = 502;
    public const int RedisTooOld = 503;
    public const int RedisTopologyChanged = 504;
    public const int RedisPayloadIgnored = 510;
    public const int RedisRepairFailed = 511;
    public const int RedisGapNotCovered = 512;
    public const int RedisNodeGone = 520;
    public const int RedisHeartbeatFailed = 521;
    public const int RedisPresenceWriteFailed = 522;
    public const int RedisPresenceRewritten = 523;
}
