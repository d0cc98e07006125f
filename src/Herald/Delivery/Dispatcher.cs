using Herald.Routing;

namespace Herald.Delivery;

/// <summary>The local end of every delivery: finds the node's connections for a target and queues the frame to each (or closes them).</summary>
internal sealed class Dispatcher(ConnectionRegistry registry)
{
    /// <returns>How many of this node's connections queued the frame.</returns>
    public int DispatchToUser(string userId, OutboundFrame frame) =>
        registry.FindUser(userId)?.Enqueue(frame) ?? 0;

    /// <returns>How many of this node's connections of the user started closing.</returns>
    public int DisconnectUser(string userId, string reason) =>
        registry.FindUser(userId)?.CloseAll(HeraldCloseCodes.Disconnected, reason) ?? 0;
}
