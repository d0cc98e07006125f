using Herald.Bench.Net;

namespace Herald.Bench.Output;

/// <summary>How the server's own counters (GET /api/v1/stats) moved over a run: a cross-check of the generator's figures.</summary>
internal sealed record ServerCounterDeltas(
    long ConnectionsOpened,
    long MessagesPublished,
    long MessagesQueued,
    long MessagesDelivered,
    long MessagesDropped,
    long SlowConsumerDisconnects)
{
    /// <returns>Null when the server has no stats (either reading is null): absent, not zero.</returns>
    public static ServerCounterDeltas? Between(ServerStats? before, ServerStats? after) => before is null || after is null ? null : new(
        after.ConnectionsOpened - before.ConnectionsOpened,
        after.MessagesPublished - before.MessagesPublished,
        after.MessagesQueued - before.MessagesQueued,
        after.MessagesDelivered - before.MessagesDelivered,
        after.MessagesDropped - before.MessagesDropped,
        after.SlowConsumerDisconnects - before.SlowConsumerDisconnects);
}
