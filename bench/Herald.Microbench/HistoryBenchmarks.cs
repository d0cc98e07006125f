using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using Herald.Streams;

namespace Herald.Microbench;

/// <summary>
/// The history of 1,000 user streams holding 100 messages each (what <c>latency --users 1000</c> leaves behind):
/// one more append, the way every <c>/send</c> makes one, and a resume that replays ten messages.
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Design", "CA1001", Justification = "The GlobalCleanup disposes the history; BenchmarkDotNet, not a using, owns the instance's life.")]
public class HistoryBenchmarks
{
    private const int Streams = 1000;
    private const int PerStream = 100;

    private readonly StreamId[] _streams = [.. Enumerable.Range(0, Streams).Select(i => StreamId.ForUser($"user-{i}"))];
    private InMemoryHistory _history = null!;
    private PublishedMessage _message = null!;
    private StreamPosition _tenBehind;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _history = new InMemoryHistory(new HeraldOptions(), TimeProvider.System);
        _message = PublishedMessage.Create(new MessageIdGenerator(), TimeProvider.System, MessageContent.Text("1:12345:638999999999999999"), key: null);
        for (var i = 0; i < Streams * PerStream; i++)
        {
            _history.Append(_streams[i % Streams], _message);
        }

        var head = _history.ReadAsync(_streams[0], null, CancellationToken.None).AsTask().GetAwaiter().GetResult().Head;
        _tenBehind = head with { Seq = head.Seq - 10 };
    }

    [GlobalCleanup]
    public void Cleanup() => _history.Dispose();

    [Benchmark]
    public long Append() => _history.Append(_streams[_next++ % Streams], _message).Seq;

    [Benchmark]
    public async Task<int> ReadTenMessages() => (await _history.ReadAsync(_streams[0], _tenBehind, CancellationToken.None)).Messages.Count;
}
