using Herald.Routing;
using Herald.Streams;

namespace Herald.Delivery;

/// <summary>The local end of every delivery: finds this node's subscribers of a stream and queues the message to each (or closes them).</summary>
internal sealed class Dispatcher(ConnectionRegistry registry)
{
    /// <returns>How many of this node's connections queued the message.</returns>
    public int Deliver(StreamMessage message) => message.Stream.Kind switch
    {
        StreamKind.User => registry.FindUser(message.Stream.Target)?.Deliver(message) ?? 0,
        StreamKind.Topic => registry.FindTopic(message.Stream.Target)?.Deliver(message) ?? 0,
        _ => registry.DeliverToAll(message),
    };

    /// <summary>This node missed messages of the stream that the history no longer holds: its subscribers that can resume must.</summary>
    /// <returns>How many of this node's connections started closing.</returns>
    public int RequestResume(StreamId stream) => stream.Kind switch
    {
        StreamKind.User => registry.FindUser(stream.Target)?.RequestResume() ?? 0,
        StreamKind.Topic => registry.FindTopic(stream.Target)?.RequestResume() ?? 0,
        _ => registry.RequestResumeOfAll(),
    };

    /// <returns>How many of this node's connections of the user started closing.</returns>
    public int DisconnectUser(string userId, string reason) =>
        registry.FindUser(userId)?.DisconnectAll(reason) ?? 0;
}
