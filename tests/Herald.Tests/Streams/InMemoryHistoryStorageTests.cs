using Herald.Protocol;
using Herald.Streams;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Tests.Streams;

/// <summary>
/// What the history's storage could get wrong: records rebuilt across segment boundaries and larger than a
/// segment, eviction that releases segments, and the byte limit over many streams. Segments are tiny here, so
/// that nearly every record crosses one.
/// </summary>
public sealed class InMemoryHistoryStorageTests
{
    private static readonly StreamId Ada = StreamId.ForUser("ada");
    private readonly MessageIdGenerator _ids = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 2, 4, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Read_ReplaysEveryKindOfMessage_WithFramesByteIdenticalToTheLiveOnes()
    {
        using var history = NewHistory(segmentBytes: 16);
        MessageContent[] contents =
        [
            MessageContent.Text("plain"),
            MessageContent.Text("h\u00e9llo \u2713 \ud83d\ude00 \"quoted\" \\ \n"),
            MessageContent.Text("lone \ud800 surrogate"),
            MessageContent.Json("""{"a":[1,2,{"b":null}],"c":"\u00e9"}"""u8),
            MessageContent.Json("42"u8),
            MessageContent.Text(new string('x', 200)),
            MessageContent.Text(new string('y', 70_000)),
        ];
        string?[] keys = [null, "k", "lone \udc00 key", null, "counter", null, "big"];
        var live = new List<StreamMessage>();
        for (var i = 0; i < contents.Length; i++)
        {
            live.Add(history.Append(Ada, PublishedMessage.Create(_ids, _clock, contents[i], keys[i])));
            _clock.Advance(TimeSpan.FromMilliseconds(7));
        }

        var read = await history.ReadAsync(Ada, StreamPosition.Start, TestContext.Current.CancellationToken);

        Assert.Equal(ResumeOutcome.Recovered, read.Outcome);
        Assert.Equal(live.Count, read.Messages.Count);
        for (var i = 0; i < live.Count; i++)
        {
            AssertSameMessage(live[i], read.Messages[i]);
        }
    }

    [Fact]
    public async Task HistoryMaxBytes_EvictingAcrossSegments_ReleasesThemAndKeepsTheNewestIntact()
    {
        const long MaxBytes = 2000;
        const int SegmentBytes = 64;
        using var history = NewHistory(segmentBytes: SegmentBytes, configure: o => (o.HistoryMaxBytes, o.HistoryMaxMessages) = (MaxBytes, 1000));
        var random = new Random(11);
        StreamId[] streams = [Ada, StreamId.ForTopic("orders"), StreamId.Broadcast];
        var live = streams.ToDictionary(stream => stream, _ => new List<StreamMessage>());
        for (var i = 0; i < 500; i++)
        {
            var stream = streams[random.Next(streams.Length)];
            live[stream].Add(history.Append(stream, PublishedMessage.Create(_ids, _clock, MessageContent.Text(new string('a', random.Next(1, 150))), key: null)));

            Assert.InRange(history.Counts.Bytes, 1, MaxBytes);
            Assert.InRange(history.Segments, 1, (MaxBytes / SegmentBytes) + 2);
        }

        foreach (var stream in streams)
        {
            var read = await history.ReadAsync(stream, StreamPosition.Start, TestContext.Current.CancellationToken);
            var newest = live[stream][^read.Messages.Count..];
            Assert.Equal(newest.Select(m => m.Seq), read.Messages.Select(m => m.Seq));
            for (var i = 0; i < newest.Count; i++)
            {
                AssertSameMessage(newest[i], read.Messages[i]);
            }
        }

        _clock.Advance(HeraldOptions.DefaultHistoryMaxAge);
        Assert.Equal(new HistoryCounts(0, 0, 0), history.Counts);
        Assert.InRange(history.Segments, 0, 1);
    }

    [Fact]
    public async Task HistoryMaxBytes_OverManyStreams_KeepsTheNewestMessagesOfAllAndEveryStreamsSeq()
    {
        const int Streams = 2000;
        const int Kept = 300;
        var content = MessageContent.Text(new string('m', 100));
        var perMessage = InMemoryHistory.BytesOf(PublishedMessage.Create(_ids, _clock, content, key: null));
        using var history = NewHistory(segmentBytes: 1000, configure: o => o.HistoryMaxBytes = Kept * perMessage);
        var epochs = new string[Streams];
        for (var i = 0; i < Streams; i++)
        {
            epochs[i] = history.Append(User(i), PublishedMessage.Create(_ids, _clock, content, key: null)).Epoch;
        }

        Assert.Equal(new HistoryCounts(Streams, Kept, Kept * perMessage), history.Counts);
        for (var i = 0; i < Streams; i++)
        {
            var read = await history.ReadAsync(User(i), new StreamPosition(epochs[i], 0), TestContext.Current.CancellationToken);
            var evicted = i < Streams - Kept;
            Assert.Equal(new StreamPosition(epochs[i], 1), read.Head);
            Assert.Equal(evicted ? ResumeOutcome.WindowExceeded : ResumeOutcome.Recovered, read.Outcome);
            Assert.Equal(evicted ? 0 : 1, read.Messages.Count);
        }
    }

    [Fact]
    public void BytesOf_IsTheRecordAndItsTwoEntries()
    {
        var message = PublishedMessage.Create(_ids, _clock, MessageContent.Text("caf\u00e9"), key: "abc");

        // 16 bytes of ID, a flag byte, a 4-byte key length, the key in UTF-16, the content in UTF-8; then the entries.
        Assert.Equal(16 + 1 + 4 + (2 * 3) + 5 + InMemoryHistory.EntryBytes, InMemoryHistory.BytesOf(message));
        Assert.Equal(56, InMemoryHistory.EntryBytes);
    }

    private static StreamId User(int i) => StreamId.ForUser($"user-{i}");

    private static void AssertSameMessage(StreamMessage live, StreamMessage replayed)
    {
        Assert.Equal((live.Stream.Name, live.Epoch, live.Seq), (replayed.Stream.Name, replayed.Epoch, replayed.Seq));
        Assert.Equal((live.Message.Id, live.Message.Time, live.Message.Key), (replayed.Message.Id, replayed.Message.Time, replayed.Message.Key));
        foreach (MessageFormat format in new MessageFormat[] { SeedFormat.Instance, HeraldV1Format.Instance })
        {
            var (liveFrame, replayedFrame) = (live.FrameFor(format), replayed.FrameFor(format));
            Assert.Equal(liveFrame.Bytes.ToArray(), replayedFrame.Bytes.ToArray());
            Assert.Equal(liveFrame.ConflationKey, replayedFrame.ConflationKey);
        }
    }

    private InMemoryHistory NewHistory(int segmentBytes, Action<HeraldOptions>? configure = null)
    {
        var options = new HeraldOptions();
        configure?.Invoke(options);
        return new InMemoryHistory(options, _clock, segmentBytes);
    }
}
