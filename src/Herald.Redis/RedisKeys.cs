using System.Text;
using Herald.Streams;
using StackExchange.Redis;

namespace Herald.Redis;

/// <summary>
/// The names of everything Herald keeps in Redis (docs/scaling.md, "Keys"). A stream's keys and channel share the
/// hash tag <c>{name}</c>, so that in Redis Cluster they live in one slot and its publish script may touch them all.
/// </summary>
internal sealed class RedisKeys(HeraldRedisOptions options)
{
    private const string ChannelTail = "}:channel";

    private readonly string _prefix = options.Prefix;
    private readonly byte[] _channelHead = Encoding.UTF8.GetBytes($"{options.Prefix}:{{");

    /// <summary>The stream's epoch (<c>e</c>) and last seq (<c>s</c>), a hash.</summary>
    public RedisKey Meta(StreamId stream) => $"{_prefix}:{{{stream.Name}}}:meta";

    /// <summary>The stream's kept messages, a list of entries (<see cref="HistoryEntry"/>) oldest first.</summary>
    public RedisKey History(StreamId stream) => $"{_prefix}:{{{stream.Name}}}:history";

    /// <summary>Each node's connection count on the stream, a hash from node ID to count.</summary>
    public RedisKey Presence(StreamId stream) => $"{_prefix}:{{{stream.Name}}}:presence";

    /// <summary>The idempotency keys of the stream's messages in its epoch, a hash from key to <c>{epoch}\n{seq}\n{message ID}</c>.</summary>
    public RedisKey StreamIdempotency(StreamId stream) => $"{_prefix}:{{{stream.Name}}}:idempotency";

    /// <summary>The sharded channel a stream's messages are published on, as the publish script is given it.</summary>
    public string StreamChannelName(StreamId stream) => $"{_prefix}:{{{stream.Name}}}:channel";

    /// <summary>The same channel, to subscribe to: made as bytes at once, the multiplexer's form, rather than from a string.</summary>
    public RedisChannel StreamChannel(StreamId stream)
    {
        var name = stream.Name;
        var bytes = new byte[_channelHead.Length + Encoding.UTF8.GetByteCount(name) + ChannelTail.Length];
        _channelHead.CopyTo(bytes, 0);
        var written = _channelHead.Length + Encoding.UTF8.GetBytes(name, bytes.AsSpan(_channelHead.Length));
        Encoding.UTF8.GetBytes(ChannelTail, bytes.AsSpan(written));
        return RedisChannel.Sharded(bytes);
    }

    /// <summary>The channel of <see cref="HeraldRedisFanout.Everything"/>, which every node subscribes to.</summary>
    public RedisChannel EverythingChannel => RedisChannel.Literal(EverythingChannelName);

    /// <summary>The name of <see cref="EverythingChannel"/>, as the publish script is given it.</summary>
    public string EverythingChannelName { get; } = $"{options.Prefix}:everything";

    /// <summary>
    /// The start of every node's channel of <see cref="HeraldRedisFanout.Routed"/>, as the publish script is given it:
    /// it appends the ID of each node the stream's presence names.
    /// </summary>
    public string NodeChannelPrefix { get; } = $"{options.Prefix}:node:";

    /// <summary>The node's channel of <see cref="HeraldRedisFanout.Routed"/>, which only that node subscribes to.</summary>
    public RedisChannel NodeChannel(string nodeId) => RedisChannel.Literal(NodeChannelPrefix + nodeId);

    /// <summary>An idempotency key's claim or result (its own hash tag: a key is not tied to one stream).</summary>
    public RedisKey Idempotency(string key) => $"{_prefix}:idempotency:{{{key}}}";

    /// <summary>
    /// The nodes that sent a heartbeat, a sorted set from node ID to its last heartbeat (ms since the Unix epoch, by
    /// Redis's clock). The node keys share the hash tag <c>{nodes}</c>, so that the heartbeat script may touch them together.
    /// </summary>
    public RedisKey Nodes => $"{_prefix}:{{nodes}}:nodes";

    /// <summary>A node's counts as of its last heartbeat, a hash that expires NodeTimeout after it.</summary>
    public RedisKey Node(string nodeId) => $"{_prefix}:{{nodes}}:node:{nodeId}";

    /// <summary>The names of the streams a node has presence fields on, a set, so that whoever cleans up after the node finds them.</summary>
    public RedisKey NodeStreams(string nodeId) => $"{_prefix}:{{nodes}}:node:{nodeId}:streams";

    /// <summary>The channel of commands to every node (disconnect a user).</summary>
    public RedisChannel ControlChannel => RedisChannel.Literal($"{_prefix}:control");
}
