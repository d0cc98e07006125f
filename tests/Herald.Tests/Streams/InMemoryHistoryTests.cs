using Herald.Streams;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Tests.Streams;

/// <summary>The in-memory history's limits and its answers to resuming connections, on a fake clock.</summary>
public sealed class InMemoryHistoryTests
{
    private static readonly StreamId Ada = StreamId.ForUser("ada");
    private readonly MessageIdGenerator _ids = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Append_GivesEachStreamItsOwnSeqFromOneAndItsOwnEpoch()
    {
        using var history = NewHistory();

        var a1 = Append(history, Ada, "a1");
        var b1 = Append(history, StreamId.ForTopic("orders"), "b1");
        var a2 = Append(history, Ada, "a2");

        Assert.Equal((1, 1, 2), (a1.Seq, b1.Seq, a2.Seq));
        Assert.Equal(a1.Epoch, a2.Epoch);
        Assert.NotEqual(a1.Epoch, b1.Epoch);
        Assert.Equal(2, history.Counts.Streams);
        Assert.Equal(3, history.Counts.Messages);
    }

    [Fact]
    public async Task Read_FromEachKindOfPosition_ComparesItWithWhatIsKept()
    {
        using var history = NewHistory(o => o.HistoryMaxMessages = 3);
        var epoch = Enumerable.Range(1, 5).Select(i => Append(history, Ada, $"m{i}")).ToList()[^1].Epoch;

        var live = await ReadAsync(history, null);
        Assert.Equal((new StreamPosition(epoch, 5), (ResumeOutcome?)null, 0), (live.Head, live.Outcome, live.Messages.Count));
        await AssertReadAsync(history, new StreamPosition(epoch, 3), ResumeOutcome.Recovered, 4, 5);
        await AssertReadAsync(history, new StreamPosition(epoch, 2), ResumeOutcome.Recovered, 3, 4, 5);
        await AssertReadAsync(history, new StreamPosition(epoch, 5), ResumeOutcome.Recovered);
        await AssertReadAsync(history, new StreamPosition(epoch, 1), ResumeOutcome.WindowExceeded, 3, 4, 5);
        await AssertReadAsync(history, StreamPosition.Start, ResumeOutcome.WindowExceeded, 3, 4, 5);
        await AssertReadAsync(history, new StreamPosition("other", 2), ResumeOutcome.EpochChanged, 3, 4, 5);
        await AssertReadAsync(history, new StreamPosition(epoch, 6), ResumeOutcome.EpochChanged, 3, 4, 5);
    }

    [Fact]
    public async Task Read_OfAStreamWithNoHistory_HasNoEpoch()
    {
        using var history = NewHistory();

        var live = await ReadAsync(history, null);
        Assert.Equal(StreamPosition.Start, live.Head);
        await AssertReadAsync(history, StreamPosition.Start, ResumeOutcome.Recovered);
        await AssertReadAsync(history, new StreamPosition("gone", 9), ResumeOutcome.EpochChanged);
    }

    [Fact]
    public async Task Messages_PastHistoryMaxAge_AreNotReplayed_AndTheStreamIsForgottenWithThem()
    {
        using var history = NewHistory(o => o.HistoryMaxAge = TimeSpan.FromMinutes(5));
        var old = Append(history, Ada, "old");
        _clock.Advance(TimeSpan.FromMinutes(3));
        Append(history, Ada, "newer");
        _clock.Advance(TimeSpan.FromMinutes(3));

        await AssertReadAsync(history, new StreamPosition(old.Epoch, 0), ResumeOutcome.WindowExceeded, 2);
        Assert.Equal(1, history.Counts.Messages);

        _clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(new HistoryCounts(0, 0, 0), history.Counts);
        var reborn = Append(history, Ada, "after a long silence");
        Assert.Equal(1, reborn.Seq);
        Assert.NotEqual(old.Epoch, reborn.Epoch);
    }

    [Fact]
    public void HistoryMaxBytes_EvictsTheOldestMessagesOfAllStreams()
    {
        using var history = NewHistory(o => o.HistoryMaxBytes = 1024 * 1024);
        var payload = new string('x', 100 * 1024);
        var first = Append(history, Ada, payload);
        var perMessage = InMemoryHistory.BytesOf(first.Message);
        for (var i = 0; i < 20; i++)
        {
            Append(history, StreamId.ForTopic($"t{i}"), payload);
        }

        var counts = history.Counts;
        Assert.True(counts.Bytes <= 1024 * 1024, $"{counts.Bytes} bytes kept");
        Assert.Equal(1024 * 1024 / perMessage, counts.Messages);

        // The evicted user stream keeps its epoch and seq until HistoryMaxAge after its last publish.
        Assert.Equal((2, first.Epoch), (Append(history, Ada, "x").Seq, first.Epoch));
    }

    [Fact]
    public void HistoryMaxBytes_CountsMessagesThePerStreamLimitDroppedUntilTheyLeaveTheAgeQueue()
    {
        using var history = NewHistory(o => o.HistoryMaxMessages = 1);

        var first = Append(history, Ada, "a");
        Append(history, Ada, "b");

        Assert.Equal(1, history.Counts.Messages);
        Assert.Equal(2 * InMemoryHistory.BytesOf(first.Message), history.Counts.Bytes);
        _clock.Advance(HeraldOptions.DefaultHistoryMaxAge);
        Assert.Equal(0, history.Counts.Bytes);
    }

    private InMemoryHistory NewHistory(Action<HeraldOptions>? configure = null)
    {
        var options = new HeraldOptions();
        configure?.Invoke(options);
        return new InMemoryHistory(options, _clock);
    }

    private StreamMessage Append(InMemoryHistory history, StreamId stream, string text) =>
        history.Append(stream, PublishedMessage.Create(_ids, _clock, MessageContent.Text(text), key: null));

    private static Task<HistoryRead> ReadAsync(InMemoryHistory history, StreamPosition? after) =>
        history.ReadAsync(Ada, after, TestContext.Current.CancellationToken).AsTask();

    private static async Task AssertReadAsync(InMemoryHistory history, StreamPosition after, ResumeOutcome outcome, params long[] replayed)
    {
        var read = await ReadAsync(history, after);
        Assert.Equal(outcome, read.Outcome);
        Assert.Equal(replayed, read.Messages.Select(m => m.Seq));
    }
}
