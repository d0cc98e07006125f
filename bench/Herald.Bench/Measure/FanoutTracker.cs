using Herald.Bench.Net;

namespace Herald.Bench.Measure;

/// <summary>
/// Checks every copy of a fanned-out <see cref="BenchMessage"/> (user <see cref="BenchMessage.Everyone"/>): one bit
/// per (message, connection) finds duplicates and counts distinct deliveries, and each first copy of a measured
/// message (seq from the end of the warm-up on) has its latency counted in a <see cref="LatencyHistogram"/>.
/// herald.v1 frames are unwrapped first, and a <c>joined</c> for a topic is counted as that connection's
/// subscription taking effect. Lock-free; no allocation per message.
/// </summary>
internal sealed class FanoutTracker : IMessageSink
{
    private readonly int[] _seen;
    private readonly int _connections;
    private readonly long _warmup;
    private long _warmupReceived;
    private long _duplicates;
    private long _unrecognized;
    private int _topicsJoined;

    /// <param name="messages">Sequence numbers tracked: [0, messages).</param>
    /// <param name="warmup">Sequence numbers [0, warmup) are the warm-up: counted apart, their latency not recorded.</param>
    /// <param name="connections">Connection indices tracked: [0, connections).</param>
    public FanoutTracker(long messages, long warmup, int connections)
    {
        Messages = messages;
        _warmup = warmup;
        _connections = connections;
        _seen = new int[checked((int)(((messages * connections) + 31) / 32))];
    }

    /// <summary>The most (message, connection) pairs one tracker takes: 2^31 - 1 bits, 256 MiB.</summary>
    public static long MaxPairs => (long)int.MaxValue * 32;

    public long Messages { get; }

    /// <summary>Latency of each first copy of a measured message, from its scheduled send time to its receipt.</summary>
    public LatencyHistogram Latency { get; } = new();

    /// <summary>Distinct (message, connection) copies of measured messages received.</summary>
    public long Received => Latency.Count;

    /// <summary>Distinct (message, connection) copies of warm-up messages received.</summary>
    public long WarmupReceived => Interlocked.Read(ref _warmupReceived);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Frames that were neither a bench message in range nor a herald.v1 envelope the generator expects.</summary>
    public long Unrecognized => Interlocked.Read(ref _unrecognized);

    /// <summary>Topic subscriptions the server confirmed (herald.v1 <c>joined</c> for a <c>topic:</c> stream).</summary>
    public int TopicsJoined => Volatile.Read(ref _topicsJoined);

    public void OnMessage(BenchConnection connection, ReadOnlySpan<byte> payload, long receivedAt)
    {
        switch (HeraldEnvelope.Classify(payload, out var data))
        {
            case EnvelopeKind.Message:
                payload = data;
                break;
            case EnvelopeKind.TopicJoined:
                Interlocked.Increment(ref _topicsJoined);
                return;
            case EnvelopeKind.Other:
                // welcome, and joined for the user and broadcast streams: the herald.v1 session's own frames.
                return;
        }

        if (!BenchMessage.TryParse(payload, out var user, out var seq, out var sentAt)
            || user != BenchMessage.Everyone || (ulong)seq >= (ulong)Messages || (uint)connection.Index >= (uint)_connections)
        {
            Interlocked.Increment(ref _unrecognized);
            return;
        }

        var bit = (seq * _connections) + connection.Index;
        var mask = 1 << (int)(bit & 31);
        if ((Interlocked.Or(ref _seen[bit >> 5], mask) & mask) != 0)
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }

        if (seq < _warmup)
        {
            Interlocked.Increment(ref _warmupReceived);
            return;
        }

        Latency.Record(receivedAt - sentAt);
    }
}
