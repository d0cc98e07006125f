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

    /// <returns>How many of this node's connections of the user started closing.</returns>
    public int DisconnectUser(string userId, string reason) =>
        registry.FindUser(userId)?.DisconnectAll(reason) ?? 0;
}
