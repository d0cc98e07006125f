using CsCheck;
using Herald.Protocol;
using Herald.Streams;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Tests.Streams;

/// <summary>
/// Random appends, clock steps and reads, on the history and on a plain model of its rules (objects in lists,
/// as the history kept them before its byte log): every seq, count, byte total, resume outcome and replayed
/// frame must agree. CsCheck shrinks a failure to a short sequence of steps.
/// </summary>
public sealed class InMemoryHistoryProperties
{
    private static readonly StreamId[] Streams = [StreamId.ForUser("ada"), StreamId.ForUser("bo"), StreamId.ForTopic("orders"), StreamId.Broadcast];

    private static readonly Gen<Step> Steps = Gen.Frequency(
        (6, Gen.Select(Gen.Int[0, Streams.Length - 1], Gen.Int[0, 300], Gen.Bool, (stream, size, keyed) => (Step)new Append(stream, size, keyed))),
        (2, Gen.Int[0, 200].Select(seconds => (Step)new Advance(seconds))),
        (3, Gen.Select(Gen.Int[0, Streams.Length - 1], Gen.Int[0, 4], Gen.Int[0, 6], (stream, kind, seq) => (Step)new Read(stream, kind, seq))));

    [Fact]
    public void History_UnderRandomSteps_AgreesWithItsModel()
    {
        Gen.Select(Gen.Int[1, 5], Gen.Int[600, 4000], Gen.Int[8, 600], Steps.Array[1, 80])
            .Sample((maxMessages, maxBytes, segmentBytes, steps) => Run(maxMessages, maxBytes, segmentBytes, steps), iter: 400);
    }

    private static void Run(int maxMessages, int maxBytes, int segmentBytes, Step[] steps)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 4, 0, 0, TimeSpan.Zero));
        var options = new HeraldOptions { HistoryMaxMessages = maxMessages, HistoryMaxBytes = maxBytes, HistoryMaxAge = TimeSpan.FromMinutes(5) };
        using var history = new InMemoryHistory(options, clock, segmentBytes);
        var model = new Model(options);
        var ids = new MessageIdGenerator();
        foreach (var step in steps)
        {
            switch (step)
            {
                case Append append:
                    var published = PublishedMessage.Create(ids, clock, MessageContent.Text(new string('a', append.Size)), append.Keyed ? "key" : null);
                    var live = history.Append(Streams[append.Stream], published);
                    model.Append(Streams[append.Stream].Name, live);
                    break;
                case Advance advance:
                    clock.Advance(TimeSpan.FromSeconds(advance.Seconds));
                    history.RemoveExpired();
                    model.RemoveExpired(clock.GetUtcNow());
                    break;
                case Read read:
                    var stream = Streams[read.Stream];
                    var after = model.Position(stream.Name, read.Kind, read.Seq);
                    var actual = history.ReadAsync(stream, after, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                    var expected = model.Read(stream.Name, after, clock.GetUtcNow());
                    Assert.Equal((expected.Head, expected.Outcome), (actual.Head, actual.Outcome));
                    Assert.Equal(expected.Messages.Count, actual.Messages.Count);
                    for (var i = 0; i < expected.Messages.Count; i++)
                    {
                        Assert.Equal(expected.Messages[i].Seq, actual.Messages[i].Seq);
                        Assert.Equal(expected.Messages[i].FrameFor(HeraldV1Format.Instance).Bytes.ToArray(), actual.Messages[i].FrameFor(HeraldV1Format.Instance).Bytes.ToArray());
                    }

                    break;
            }

            Assert.Equal(model.Counts, history.Counts);
        }
    }

    private abstract record Step;

    private sealed record Append(int Stream, int Size, bool Keyed) : Step;

    private sealed record Advance(int Seconds) : Step;

    private sealed record Read(int Stream, int Kind, int Seq) : Step;

    /// <summary>The history's rules on plain objects: a list per stream, one list in append order, a set of emptied streams.</summary>
    private sealed class Model(HeraldOptions options)
    {
        private readonly Dictionary<string, ModelStream> _streams = [];
        private readonly List<(ModelStream Stream, StreamMessage Message)> _byAge = [];
        private readonly HashSet<ModelStream> _emptied = [];

        public HistoryCounts Counts => new(_streams.Count, _streams.Values.Sum(s => s.Kept.Count), _byAge.Sum(m => (long)InMemoryHistory.BytesOf(m.Message.Message)));

        public void Append(string name, StreamMessage live)
        {
            var now = live.Message.Time;
            if (!_streams.TryGetValue(name, out var stream) || now - stream.LastPublishedAt >= options.HistoryMaxAge)
            {
                Assert.Equal(1, live.Seq);
                Assert.NotEqual(stream?.Epoch, live.Epoch);
                stream = new ModelStream(live.Epoch);
                _streams[name] = stream;
            }

            Assert.Equal((stream.Epoch, stream.LastSeq + 1), (live.Epoch, live.Seq));
            stream.LastSeq = live.Seq;
            stream.LastPublishedAt = now;
            stream.Kept.Add(live);
            _byAge.Add((stream, live));
            if (stream.Kept.Count > options.HistoryMaxMessages)
            {
                stream.Kept.RemoveAt(0);
            }

            while (_byAge.Sum(m => (long)InMemoryHistory.BytesOf(m.Message.Message)) > options.HistoryMaxBytes)
            {
                EvictOldest(forget: false);
            }
        }

        public void RemoveExpired(DateTimeOffset now)
        {
            while (_byAge.Count > 0 && now - _byAge[0].Message.Message.Time >= options.HistoryMaxAge)
            {
                EvictOldest(forget: true);
            }

            _emptied.RemoveWhere(stream =>
            {
                if (stream.Kept.Count > 0)
                {
                    return true;
                }

                if (now - stream.LastPublishedAt < options.HistoryMaxAge)
                {
                    return false;
                }

                RemoveIfCurrent(stream);
                return true;
            });
        }

        public StreamPosition? Position(string name, int kind, int seq) => kind switch
        {
            0 => null,
            1 => StreamPosition.Start,
            2 => new StreamPosition("not-an-epoch", seq),
            _ => new StreamPosition(_streams.TryGetValue(name, out var stream) ? stream.Epoch : "gone", kind == 3 ? seq : stream?.LastSeq + seq - 3 ?? seq),
        };

        public HistoryRead Read(string name, StreamPosition? after, DateTimeOffset now)
        {
            if (!_streams.TryGetValue(name, out var stream) || now - stream.LastPublishedAt >= options.HistoryMaxAge)
            {
                return new HistoryRead(StreamPosition.Start, after is null ? null : after.Value.Epoch is null ? ResumeOutcome.Recovered : ResumeOutcome.EpochChanged, []);
            }

            var head = new StreamPosition(stream.Epoch, stream.LastSeq);
            if (after is not { } from)
            {
                return new HistoryRead(head, null, []);
            }

            var kept = stream.Kept.Where(m => now - m.Message.Time < options.HistoryMaxAge).ToList();
            var firstKept = kept.Count > 0 ? kept[0].Seq : stream.LastSeq + 1;
            if (from.Epoch is null)
            {
                return new HistoryRead(head, firstKept <= 1 ? ResumeOutcome.Recovered : ResumeOutcome.WindowExceeded, kept);
            }

            if (from.Epoch != stream.Epoch || from.Seq > stream.LastSeq)
            {
                return new HistoryRead(head, ResumeOutcome.EpochChanged, kept);
            }

            return from.Seq >= firstKept - 1
                ? new HistoryRead(head, ResumeOutcome.Recovered, [.. kept.Where(m => m.Seq > from.Seq)])
                : new HistoryRead(head, ResumeOutcome.WindowExceeded, kept);
        }

        private void EvictOldest(bool forget)
        {
            var (stream, message) = _byAge[0];
            _byAge.RemoveAt(0);
            if (!_streams.ContainsValue(stream) || stream.Kept.Count == 0 || stream.Kept[0] != message)
            {
                return;
            }

            stream.Kept.RemoveAt(0);
            if (stream.Kept.Count > 0)
            {
                return;
            }

            if (forget)
            {
                RemoveIfCurrent(stream);
            }
            else
            {
                _emptied.Add(stream);
            }
        }

        private void RemoveIfCurrent(ModelStream stream)
        {
            foreach (var (name, current) in _streams)
            {
                if (current == stream)
                {
                    _streams.Remove(name);
                    return;
                }
            }
        }
    }

    private sealed class ModelStream(string epoch)
    {
        public string Epoch { get; } = epoch;

        public long LastSeq { get; set; }

        public DateTimeOffset LastPublishedAt { get; set; }

        public List<StreamMessage> Kept { get; } = [];
    }
}
