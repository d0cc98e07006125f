using Herald.Streams;

namespace Herald.Redis.Tests.Delivery;

/// <summary>
/// How a node puts one stream's messages in order from pub/sub, which promises no order and may miss some: the
/// next one goes out at once, a repeat is dropped, and anything else waits for a repair from the history.
/// </summary>
public sealed class WatchedStreamTests
{
    private static readonly StreamId Stream = StreamId.ForUser("u");

    private readonly List<long> _dispatched = [];

    [Fact]
    public void Offer_InOrderWithRepeats_DispatchesEachOnceWithoutARepair()
    {
        var watched = Baselined("e", 2);
        long[] arrivals = [3, 3, 4, 2, 5];

        var repairs = arrivals.Select(seq => watched.Offer(Message("e", seq), Dispatch)).ToArray();

        Assert.All(repairs, Assert.False);
        Assert.Equal([3L, 4L, 5L], _dispatched);
    }

    [Fact]
    public void Offer_AMessageAheadOfTheNext_IsHeldAndTheReorderedOneReleasesIt()
    {
        var watched = Baselined("e", 0);

        var repair = watched.Offer(Message("e", 2), Dispatch);
        watched.Offer(Message("e", 1), Dispatch);

        Assert.True(repair);
        Assert.Equal([1L, 2L], _dispatched);
    }

    [Fact]
    public void CompleteRepair_AfterAGap_DispatchesTheMissedThenWhatWasHeldAndArrivedMeanwhile()
    {
        var watched = Baselined("e", 1);
        Assert.True(watched.Offer(Message("e", 4), Dispatch));
        var position = watched.StartRepair();
        watched.Offer(Message("e", 5), Dispatch);
        watched.Offer(Message("e", 3), Dispatch);
        var uncovered = 0;

        var (covered, again) = watched.CompleteRepair(Read("e", 4, ResumeOutcome.Recovered, 2, 3, 4), Dispatch, () => uncovered++);

        Assert.Equal(new StreamPosition("e", 1), position);
        Assert.True(covered);
        Assert.False(again);
        Assert.Equal(0, uncovered);
        Assert.Equal([2L, 3L, 4L, 5L], _dispatched);
        Assert.Equal(new StreamPosition("e", 5), watched.StartRepair());
    }

    [Fact]
    public void CompleteRepair_WhenTheHistoryNoLongerHoldsTheGap_SaysSoBeforeDispatchingAnything()
    {
        var watched = Baselined("e", 1);
        watched.Offer(Message("e", 9), Dispatch);
        watched.StartRepair();
        var dispatchedWhenTold = -1;

        var (covered, _) = watched.CompleteRepair(Read("e", 9, ResumeOutcome.WindowExceeded, 7, 8, 9), Dispatch, () => dispatchedWhenTold = _dispatched.Count);

        Assert.False(covered);
        Assert.Equal(0, dispatchedWhenTold);
        Assert.Equal([7L, 8L, 9L], _dispatched);
    }

    [Fact]
    public void Offer_TheFirstMessageOfANewEpoch_IsDispatchedAtOnce()
    {
        var watched = Baselined("old", 7);

        var repair = watched.Offer(Message("new", 1), Dispatch);
        watched.Offer(Message("new", 2), Dispatch);

        Assert.False(repair);
        Assert.Equal([1L, 2L], _dispatched);
    }

    [Fact]
    public void CompleteRepair_WithAStragglerOfTheOldEpochHeld_DropsItAndNeedsNoFurtherRepair()
    {
        var watched = Baselined("old", 7);
        Assert.True(watched.Offer(Message("new", 2), Dispatch));
        watched.StartRepair();
        watched.Offer(Message("old", 6), Dispatch);

        var (covered, again) = watched.CompleteRepair(Read("new", 2, ResumeOutcome.EpochChanged, 1, 2), Dispatch, () => { });

        Assert.True(covered);
        Assert.False(again);
        Assert.Equal([1L, 2L], _dispatched);
    }

    [Fact]
    public void CompleteRepair_OfAStreamRedisLost_KeepsANewEpochsFirstMessageThatArrivedDuringTheRead()
    {
        var watched = Baselined("old", 2);
        watched.StartRepair();
        watched.Offer(Message("new", 1), Dispatch);

        var (covered, again) = watched.CompleteRepair(new HistoryRead(StreamPosition.Start, ResumeOutcome.EpochChanged, []), Dispatch, () => { });

        Assert.True(covered);
        Assert.False(again);
        Assert.Equal([1L], _dispatched);
    }

    [Fact]
    public void Offer_BeforeTheBaselineIsKnown_IsHeldThenDispatchedAsPublishedAfterTheJoin()
    {
        var watched = new WatchedStream(Stream);
        watched.Offer(Message("e", 5), Dispatch);

        var repair = watched.SetBaseline(new StreamPosition("e", 5), Dispatch);

        Assert.False(repair);
        Assert.Equal([5L], _dispatched);
    }

    private static StreamMessage Message(string epoch, long seq) =>
        new(Stream, epoch, seq, new PublishedMessage(Guid.CreateVersion7(), DateTimeOffset.UnixEpoch, MessageContent.Text($"m{seq}"), key: null));

    private static HistoryRead Read(string epoch, long head, ResumeOutcome outcome, params long[] seqs) =>
        new(new StreamPosition(epoch, head), outcome, [.. seqs.Select(seq => Message(epoch, seq))]);

    private WatchedStream Baselined(string epoch, long seq)
    {
        var watched = new WatchedStream(Stream);
        watched.SetBaseline(new StreamPosition(epoch, seq), Dispatch);
        return watched;
    }

    private void Dispatch(StreamMessage message) => _dispatched.Add(message.Seq);
}
