using Herald.Client.Subscribing;

namespace Herald.Tests.Client;

/// <summary>The subscriber's positions: what it resumes from, and what it has already handed over.</summary>
public sealed class StreamPositionsTests
{
    [Fact]
    public void IsNew_UnknownStream_IsTrue()
    {
        var positions = new StreamPositions();

        Assert.True(positions.IsNew("user:1", "e1", 1));
        Assert.Null(positions.Get("user:1"));
    }

    [Fact]
    public void IsNew_SameEpoch_OnlyLaterSeqs()
    {
        var positions = new StreamPositions();
        positions.Advance("user:1", "e1", 5);

        Assert.False(positions.IsNew("user:1", "e1", 4));
        Assert.False(positions.IsNew("user:1", "e1", 5));
        Assert.True(positions.IsNew("user:1", "e1", 6));
        Assert.True(positions.IsNew("user:1", "e1", 9));
    }

    [Fact]
    public void IsNew_OtherEpoch_IsTrueWhateverTheSeq()
    {
        var positions = new StreamPositions();
        positions.Advance("user:1", "e1", 5);

        Assert.True(positions.IsNew("user:1", "e2", 1));
    }

    [Fact]
    public void Join_NothingReplayed_TakesTheJoinedPosition()
    {
        var positions = new StreamPositions();

        positions.Join("broadcast", "e1", 55, replayed: 0);

        Assert.Equal(new StreamPosition("e1", 55), positions.Get("broadcast"));
        Assert.False(positions.IsNew("broadcast", "e1", 55));
        Assert.True(positions.IsNew("broadcast", "e1", 56));
    }

    [Fact]
    public void Join_StreamWithoutHistory_IsNothingSeenYet()
    {
        var positions = new StreamPositions();

        positions.Join("topic:orders", null, 0, replayed: 0);

        Assert.Equal(new StreamPosition(null, 0), positions.Get("topic:orders"));
        Assert.True(positions.IsNew("topic:orders", "e1", 1));
    }

    [Fact]
    public void Join_WithReplay_KeepsThePositionUntilTheReplayedMessagesAdvanceIt()
    {
        var positions = new StreamPositions();
        positions.Advance("user:1", "e1", 41);

        positions.Join("user:1", "e1", 43, replayed: 2);

        // Were the connection lost now, resuming from 41 gets both replayed messages again.
        Assert.Equal(new StreamPosition("e1", 41), positions.Get("user:1"));
        Assert.True(positions.IsNew("user:1", "e1", 42));
        positions.Advance("user:1", "e1", 42);
        positions.Advance("user:1", "e1", 43);
        Assert.Equal(new StreamPosition("e1", 43), positions.Get("user:1"));
    }

    [Fact]
    public void Forget_ThenNothingIsKnown()
    {
        var positions = new StreamPositions();
        positions.Advance("topic:a", "e1", 3);

        positions.Forget("topic:a");

        Assert.Null(positions.Get("topic:a"));
        Assert.True(positions.IsNew("topic:a", "e1", 1));
    }
}
