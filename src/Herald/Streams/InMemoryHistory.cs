using System.Buffers;
using System.Runtime.CompilerServices;

namespace Herald.Streams;

/// <summary>
/// Every stream's window, in this process's memory: at most HistoryMaxMessages per stream, none older than
/// HistoryMaxAge, and HistoryMaxBytes for all streams together, evicted oldest first. Appends arrive under the
/// backplane's stream lock; this class has one lock of its own, held only for O(1) work per append and for the
/// length of one stream's window per read. A kept message is no object: its record lies in one byte log for all
/// streams, found through struct entries, so the garbage collector has nothing per message to trace or promote.
/// A read rebuilds the messages it replays from their records.
/// </summary>
internal sealed class InMemoryHistory : IHistory, IDisposable
{
    /// <summary>What a message costs besides its record: its entry in its stream and in the age queue.</summary>
    public static readonly int EntryBytes = Unsafe.SizeOf<RetainedEntry>() + Unsafe.SizeOf<AgeEntry>();

    private readonly Lock _gate = new();
    private readonly Dictionary<string, RetainedStream> _streams = new(StringComparer.Ordinal);

    // Every stream of _streams at its slot (null where none is), so that the age queue names streams by number.
    private readonly List<RetainedStream?> _slots = [];
    private readonly Stack<int> _freeSlots = new();
    private readonly ByteLog _log;

    // Every message in append order, which is also age order; eviction by bytes and by age pops from here (and
    // releases the log up to it). It also holds messages the per-stream limit already dropped until they reach its
    // front, and counts them in _bytes, so that HistoryMaxBytes bounds what the history really holds in memory.
    private readonly Queue<AgeEntry> _byAge = new();

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
        : this(options, timeProvider, ByteLog.DefaultSegmentBytes)
    {
    }

    /// <summary>A history whose byte log has segments of <paramref name="segmentBytes"/>: tests make them small, to cross segments often.</summary>
    internal InMemoryHistory(HeraldOptions options, TimeProvider timeProvider, int segmentBytes)
    {
        _timeProvider = timeProvider;
        _maxMessages = options.HistoryMaxMessages;
        _maxAge = options.HistoryMaxAge;
        _maxBytes = options.HistoryMaxBytes;
        _log = new ByteLog(segmentBytes);
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

    /// <summary>Byte-log segments in use, for tests.</summary>
    internal int Segments
    {
        get
        {
            lock (_gate)
            {
                return _log.Segments;
            }
        }
    }

    /// <summary>What keeping <paramref name="message"/> in one stream counts against HistoryMaxBytes: its record and its entries.</summary>
    public static int BytesOf(PublishedMessage message) => RetainedRecord.LengthOf(message) + EntryBytes;

    /// <summary>Gives the message the stream's next seq and keeps it. The caller serializes appends to one stream.</summary>
    /// <returns>The message at its place, for live delivery; the history keeps its record, not this object.</returns>
    public StreamMessage Append(StreamId stream, PublishedMessage message)
    {
        lock (_gate)
        {
            var now = message.Time;
            if (!_streams.TryGetValue(stream.Name, out var retained) || IsForgotten(retained, now))
            {
                // A forgotten stream's messages are all past HistoryMaxAge; the sweeper frees them, but none is kept from now on.
                if (retained is not null)
                {
                    _kept -= retained.Messages.Count;
                    Remove(retained);
                }

                retained = Add(stream.Name);
            }

            var seq = ++retained.LastSeq;
            retained.LastPublishedAt = now;
            var position = _log.Head;
            RetainedRecord.Write(_log, message);
            var length = (int)(_log.Head - position);
            retained.Messages.Enqueue(new RetainedEntry(seq, now.UtcTicks, position, length));
            _byAge.Enqueue(new AgeEntry(now.UtcTicks, position, length, retained.Slot));
            _bytes += length + EntryBytes;
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

            return new StreamMessage(stream, retained.Epoch, seq, message);
        }
    }

    public ValueTask<HistoryRead> ReadAsync(StreamId stream, StreamPosition? after, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            if (!_streams.TryGetValue(stream.Name, out var retained) || IsForgotten(retained, now))
            {
                return ValueTask.FromResult(new HistoryRead(StreamPosition.Start, ResumeComparison.WithoutEpoch(after), []));
            }

            var head = new StreamPosition(retained.Epoch, retained.LastSeq);
            if (after is not { } from)
            {
                return ValueTask.FromResult(new HistoryRead(head, null, []));
            }

            var firstKept = retained.LastSeq + 1;
            foreach (var entry in retained.Messages)
            {
                if (IsKept(entry, now))
                {
                    firstKept = entry.Seq;
                    break;
                }
            }

            var result = ResumeComparison.Compare(from, retained.Epoch, retained.LastSeq, firstKept, out var replayAfter);

            var replay = new List<StreamMessage>();
            foreach (var entry in retained.Messages)
            {
                if (entry.Seq > replayAfter && IsKept(entry, now))
                {
                    replay.Add(Rebuild(stream, retained.Epoch, entry));
                }
            }

            return ValueTask.FromResult(new HistoryRead(head, result, replay));
        }
    }

    public void Dispose() => _sweeper.Dispose();

    /// <summary>The sweeper's visit: drops messages past HistoryMaxAge, and streams with nothing published for that long.</summary>
    internal void RemoveExpired()
    {
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            while (_byAge.TryPeek(out var oldest) && now.UtcTicks - oldest.UtcTicks >= _maxAge.Ticks)
            {
                EvictOldest(forget: true);
            }

            _emptied.RemoveAll(stream => stream.Messages.Count > 0 || TryForget(stream, now));
        }
    }

    private bool IsForgotten(RetainedStream stream, DateTimeOffset now) => now - stream.LastPublishedAt >= _maxAge;

    private bool IsKept(in RetainedEntry entry, DateTimeOffset now) => now.UtcTicks - entry.UtcTicks < _maxAge.Ticks;

    private StreamMessage Rebuild(StreamId stream, string epoch, in RetainedEntry entry)
    {
        var time = new DateTimeOffset(entry.UtcTicks, TimeSpan.Zero);
        if (_log.TryGetSpan(entry.Position, entry.Length, out var record))
        {
            return new StreamMessage(stream, epoch, entry.Seq, RetainedRecord.Read(record, time));
        }

        // A record across two segments is copied together first; a rented buffer, since records can be large.
        var buffer = ArrayPool<byte>.Shared.Rent(entry.Length);
        try
        {
            _log.CopyTo(entry.Position, buffer.AsSpan(0, entry.Length));
            return new StreamMessage(stream, epoch, entry.Seq, RetainedRecord.Read(buffer.AsSpan(0, entry.Length), time));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private RetainedStream Add(string name)
    {
        var slot = _freeSlots.TryPop(out var free) ? free : _slots.Count;
        var stream = new RetainedStream(name, StreamEpoch.New(), slot);
        if (slot == _slots.Count)
        {
            _slots.Add(stream);
        }
        else
        {
            _slots[slot] = stream;
        }

        _streams[name] = stream;
        return stream;
    }

    /// <summary>Forgets a stream of <see cref="_streams"/>. Age entries may still name its slot; they find another stream there, or none.</summary>
    private void Remove(RetainedStream stream)
    {
        _streams.Remove(stream.Name);
        _slots[stream.Slot] = null;
        _freeSlots.Push(stream.Slot);
    }

    private void EvictOldest(bool forget)
    {
        var oldest = _byAge.Dequeue();
        _bytes -= oldest.Length + EntryBytes;
        _log.ReleaseTo(oldest.Position + oldest.Length);

        // A message the per-stream limit already dropped, or one of a stream since forgotten, is no longer kept.
        // Positions are never reused, so a stream whose oldest entry is at another position does not hold this one.
        if (_slots[oldest.Slot] is not { } stream || !stream.Messages.TryPeek(out var head) || head.Position != oldest.Position)
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
            Remove(stream);
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
            Remove(stream);
        }

        return true;
    }

    /// <summary>A kept message in append order: its time, its record in the log, and its stream's slot.</summary>
    private readonly record struct AgeEntry(long UtcTicks, long Position, int Length, int Slot);
}

/// <summary>How much the history holds: streams with an epoch, messages and their bytes.</summary>
internal readonly record struct HistoryCounts(int Streams, int Messages, long Bytes);
