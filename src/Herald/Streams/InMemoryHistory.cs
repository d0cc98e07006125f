using System.Buffers.Text;
using System.Security.Cryptography;

namespace Herald.Streams;

/// <summary>
/// Every stream's window, in this process's memory: at most HistoryMaxMessages per stream, none older than
/// HistoryMaxAge, and HistoryMaxBytes for all streams together, evicted oldest first. Appends arrive under the
/// backplane's stream lock; this class has one lock of its own for its maps, held only for O(1) work per append
/// and for the length of one stream's window per read.
/// </summary>
internal sealed class InMemoryHistory : IHistory, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RetainedStream> _streams = new(StringComparer.Ordinal);

    // Every message in append order, which is also age order; eviction by bytes and by age pops from here. It also
    // holds messages the per-stream limit already dropped until they reach its front, and counts them in _bytes,
    // so that HistoryMaxBytes bounds what the history really holds in memory.
    private readonly Queue<StreamMessage> _byAge = new();

    // Streams emptied early by the byte limit: their epoch and seq live on until HistoryMaxAge after their last publish.
    private readonly List<RetainedStream> _emptied = [];
    private readonly TimeProvider _timeProvider;
    private readonly int _maxMessages;
    private readonly TimeSpan _maxAge;
    private readonly long _maxBytes;
    private readonly ITimer _sweeper;
    private long _bytes;
    private int _kept;

    public InMemoryHistory(HeraldOptions options, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _maxMessages = options.HistoryMaxMessages;
        _maxAge = options.HistoryMaxAge;
        _maxBytes = options.HistoryMaxBytes;
        var period = TimeSpan.FromTicks(Math.Clamp(_maxAge.Ticks / 10, TimeSpan.TicksPerMillisecond * 50, TimeSpan.TicksPerSecond));
        _sweeper = timeProvider.CreateTimer(static state => ((InMemoryHistory)state!).RemoveExpired(), this, period, period);
    }

    public HistoryCounts Counts
    {
        get
        {
            lock (_gate)
            {
                return new HistoryCounts(_streams.Count, _kept, _bytes);
            }
        }
    }

    /// <summary>Gives the message the stream's next seq and keeps it. The caller serializes appends to one stream.</summary>
    public StreamMessage Append(StreamId stream, PublishedMessage message)
    {
        lock (_gate)
        {
            var now = message.Time;
            if (!_streams.TryGetValue(stream.Name, out var retained) || IsForgotten(retained, now))
            {
                // A forgotten stream's messages are all past HistoryMaxAge; the sweeper frees them, but none is kept from now on.
                _kept -= retained?.Messages.Count ?? 0;
                retained = new RetainedStream(stream.Name, NewEpoch());
                _streams[stream.Name] = retained;
            }

            var added = new StreamMessage(stream, retained.Epoch, ++retained.LastSeq, message);
            retained.LastPublishedAt = now;
            retained.Messages.Enqueue(added);
            _byAge.Enqueue(added);
            _bytes += added.RetainedBytes;
            _kept++;
            if (retained.Messages.Count > _maxMessages)
            {
                retained.Messages.Dequeue();
                _kept--;
            }

            while (_bytes > _maxBytes)
            {
                EvictOldest(forget: false);
            }

            return added;
        }
    }

    public ValueTask<HistoryRead> ReadAsync(StreamId stream, StreamPosition? after, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            if (!_streams.TryGetValue(stream.Name, out var retained) || IsForgotten(retained, now))
            {
                var outcome = after is not { } position ? (ResumeOutcome?)null
                    : position.Epoch is null ? ResumeOutcome.Recovered
                    : ResumeOutcome.EpochChanged;
                return ValueTask.FromResult(new HistoryRead(StreamPosition.Start, outcome, []));
            }

            var head = new StreamPosition(retained.Epoch, retained.LastSeq);
            if (after is not { } from)
            {
                return ValueTask.FromResult(new HistoryRead(head, null, []));
            }

            var kept = retained.Messages.Where(m => now - m.Message.Time < _maxAge).ToList();
            var firstKept = kept.Count > 0 ? kept[0].Seq : retained.LastSeq + 1;
            ResumeOutcome result;
            if (from.Epoch is null)
            {
                result = firstKept <= 1 ? ResumeOutcome.Recovered : ResumeOutcome.WindowExceeded;
            }
            else if (from.Epoch != retained.Epoch || from.Seq > retained.LastSeq)
            {
                result = ResumeOutcome.EpochChanged;
            }
            else if (from.Seq >= firstKept - 1)
            {
                result = ResumeOutcome.Recovered;
                kept.RemoveAll(m => m.Seq <= from.Seq);
            }
            else
            {
                result = ResumeOutcome.WindowExceeded;
            }

            return ValueTask.FromResult(new HistoryRead(head, result, kept));
        }
    }

    public void Dispose() => _sweeper.Dispose();

    /// <summary>The sweeper's visit: drops messages past HistoryMaxAge, and streams with nothing published for that long.</summary>
    internal void RemoveExpired()
    {
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            while (_byAge.TryPeek(out var oldest) && now - oldest.Message.Time >= _maxAge)
            {
                EvictOldest(forget: true);
            }

            _emptied.RemoveAll(stream => stream.Messages.Count > 0 || TryForget(stream, now));
        }
    }

    private static string NewEpoch()
    {
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        return Base64Url.EncodeToString(random);
    }

    private bool IsForgotten(RetainedStream stream, DateTimeOffset now) => now - stream.LastPublishedAt >= _maxAge;

    private void EvictOldest(bool forget)
    {
        var oldest = _byAge.Dequeue();
        _bytes -= oldest.RetainedBytes;

        // A message the per-stream limit already dropped, or one of a stream since forgotten, is no longer kept.
        if (!_streams.TryGetValue(oldest.Stream.Name, out var stream) || !stream.Messages.TryPeek(out var head) || head != oldest)
        {
            return;
        }

        stream.Messages.Dequeue();
        _kept--;
        if (stream.Messages.Count > 0)
        {
            return;
        }

        if (forget)
        {
            _streams.Remove(stream.Name);
        }
        else
        {
            _emptied.Add(stream);
        }
    }

    private bool TryForget(RetainedStream stream, DateTimeOffset now)
    {
        if (!IsForgotten(stream, now))
        {
            return false;
        }

        if (_streams.TryGetValue(stream.Name, out var current) && current == stream)
        {
            _streams.Remove(stream.Name);
        }

        return true;
    }

    private sealed class RetainedStream(string name, string epoch)
    {
        public string Name { get; } = name;

        public string Epoch { get; } = epoch;

        public long LastSeq { get; set; }

        public DateTimeOffset LastPublishedAt { get; set; }

        public Queue<StreamMessage> Messages { get; } = new();
    }
}

/// <summary>How much the history holds: streams with an epoch, messages and their bytes.</summary>
internal readonly record struct HistoryCounts(int Streams, int Messages, long Bytes);
