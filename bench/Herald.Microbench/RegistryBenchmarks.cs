using BenchmarkDotNet.Attributes;
using Herald.Connections;
using Herald.Streams;

namespace Herald.Microbench;

/// <summary>The user index: log in and out, look up, and both under contention from every core.</summary>
[MemoryDiagnoser]
public class RegistryBenchmarks
{
    private const int Users = 100_000;
    private const int ContendedOperations = 10_000;

    private Hub _hub = null!;
    private ClientConnection _spare = null!;
    private string[] _userIds = null!;
    private Subscription _transient = null!;
    private Subscription[] _contended = null!;

    [GlobalSetup]
    public void Setup()
    {
        _hub = new Hub();
        _userIds = Enumerable.Range(0, Users).Select(i => $"user-{i}").ToArray();
        foreach (var userId in _userIds)
        {
            _hub.Connect(userId);
        }

        _spare = _hub.Connect("spare");
        _transient = Subscription.Live(_spare, StreamId.ForUser("transient"));
        _contended = [.. _userIds.Take(64).Select(userId => Subscription.Live(_spare, StreamId.ForUser(userId)))];
    }

    [Benchmark]
    public int FindUser() => _hub.Registry.FindUser(_userIds[Users / 2])?.Count ?? 0;

    [Benchmark]
    public void AddAndRemoveNewUser()
    {
        _hub.Registry.AddToUser(_transient);
        _hub.Registry.RemoveFromUser(_transient);
    }

    [Benchmark(OperationsPerInvoke = ContendedOperations)]
    public void AddAndRemoveUnderContention() =>
        Parallel.For(0, ContendedOperations, i =>
        {
            var subscription = _contended[i % 64];
            _hub.Registry.AddToUser(subscription);
            _hub.Registry.RemoveFromUser(subscription);
        });
}
