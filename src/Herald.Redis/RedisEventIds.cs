namespace Herald.Redis;

/// <summary>
/// Every log event id Herald.Redis writes, the 5xx hundred beside Herald's own (docs/operations.md): 50x the
/// connection to Redis, 51x delivery between nodes, 52x presence and the node heartbeats.
/// </summary>
internal static class RedisEventIds
{
    public const int Connected = 500;
    public const int ConnectionLost = 501;
    public const int ConnectionRestored = 502;
    public const int PayloadIgnored = 510;
    public const int RepairFailed = 511;
    public const int GapNotCovered = 512;
    public const int NodeGone = 520;
    public const int HeartbeatFailed = 521;
    public const int PresenceWriteFailed = 522;
    public const int PresenceRewritten = 523;
}
