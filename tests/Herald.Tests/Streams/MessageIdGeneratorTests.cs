using Herald.Streams;

namespace Herald.Tests.Streams;

/// <summary>Message IDs are UUIDv7 that one server makes in strictly increasing order.</summary>
public sealed class MessageIdGeneratorTests
{
    private static readonly DateTimeOffset Moment = new(2026, 11, 25, 10, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void Next_ManyInOneMillisecond_StrictlyIncreaseAsTextAndCarryTheTimeAndVersion()
    {
        var ids = new MessageIdGenerator();

        var texts = Enumerable.Range(0, 5000).Select(_ => ids.Next(Moment).ToString("N")).ToArray();

        Assert.All(texts.Zip(texts.Skip(1)), pair => Assert.True(string.CompareOrdinal(pair.First, pair.Second) < 0, $"{pair.First} should sort before {pair.Second}"));
        var millisecond = Moment.ToUnixTimeMilliseconds().ToString("x12");
        Assert.All(texts.Take(4096), text => Assert.StartsWith(millisecond, text, StringComparison.Ordinal));

        // Past 4,096 in one millisecond the counter carries into the next.
        Assert.StartsWith((Moment.ToUnixTimeMilliseconds() + 1).ToString("x12"), texts[4096], StringComparison.Ordinal);
        Assert.All(texts, text =>
        {
            Assert.Equal('7', text[12]);
            Assert.Contains(text[16], "89ab");
        });
    }

    [Fact]
    public async Task Next_ManyOnSeveralThreads_NoRandomHalfIsEverUsedTwice()
    {
        // Far past one pool of random bytes per thread: a byte handed out twice would repeat a random half.
        var ids = new MessageIdGenerator();
        var halves = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(
            () => Enumerable.Range(0, 10_000).Select(_ => ids.Next(Moment).ToString("N")[16..]).ToArray(),
            TestContext.Current.CancellationToken)));

        var all = halves.SelectMany(half => half).ToArray();
        Assert.Equal(all.Length, all.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Next_ClockStepsBack_StillIncreases()
    {
        var ids = new MessageIdGenerator();

        var before = ids.Next(Moment).ToString("N");
        var after = ids.Next(Moment.AddSeconds(-5)).ToString("N");

        Assert.True(string.CompareOrdinal(before, after) < 0, $"{before} should sort before {after}");
    }

    [Fact]
    public async Task Next_FromFourThreadsAtOnce_GivesDistinctIdsIncreasingInEachThread()
    {
        var ids = new MessageIdGenerator();
        using var start = new Barrier(4);

        var perThread = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait(TestContext.Current.CancellationToken);
            return Enumerable.Range(0, 10_000).Select(_ => ids.Next(Moment).ToString("N")).ToArray();
        })));

        Assert.Equal(40_000, perThread.SelectMany(t => t).Distinct().Count());
        Assert.All(perThread, texts => Assert.Equal(texts.Order(StringComparer.Ordinal), texts));
    }
}
