using Herald.Diagnostics;

namespace Herald.Tests.Diagnostics;

public sealed class HubCountersTests
{
    [Fact]
    public void AddReplayed_CountsTheReplayAsQueuedAndAsReplayed()
    {
        var counters = new HubCounters(TimeProvider.System);
        counters.MessagePublished(queuedFor: 2);

        counters.AddReplayed(5);

        Assert.Equal((7L, 5L), (counters.MessagesQueued, counters.MessagesReplayed));
    }

    [Fact]
    public void AddReplayed_WithLiveMessagesTheJoinDidNotQueue_TakesThemBackOffQueued()
    {
        var counters = new HubCounters(TimeProvider.System);
        counters.MessagePublished(queuedFor: 1);

        // That one live message was also in the replay: one copy was queued, not two.
        counters.AddReplayed(3, liveNotQueued: 1);

        Assert.Equal((3L, 3L), (counters.MessagesQueued, counters.MessagesReplayed));
    }
}
