using Herald.Streams;

namespace Herald.Redis;

/// <summary>Which channel a stream's messages take under each <see cref="HeraldRedisFanout"/>.</summary>
internal static class FanoutRules
{
    /// <summary>
    /// Whether the stream has a sharded channel of its own that a node subscribes to while it watches the stream:
    /// every stream with <see cref="HeraldRedisFanout.Subscribed"/>, and with <see cref="HeraldRedisFanout.Routed"/>
    /// the broadcast stream, which every node watches and which has no presence to route by.
    /// </summary>
    public static bool UsesStreamChannel(this HeraldRedisFanout fanout, StreamId stream) =>
        fanout == HeraldRedisFanout.Subscribed || (fanout == HeraldRedisFanout.Routed && stream.Kind == StreamKind.Broadcast);
}
