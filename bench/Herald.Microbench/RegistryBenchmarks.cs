using BenchmarkDotNet.Attributes;
using Herald.Protocol;
using Herald.Streams;
using Herald.WebSockets;

namespace Herald.Microbench;

/// <summary>The user index: log in and out, look up, and both under contention from every core.</summary>
[MemoryDiagnoser]
public class RegistryBenchmarks
{
    private const int Users = 100_000;
    private const int ContendedOperations = 10_000;

    private Hub _hub = null!;
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

        _transient = LoggedIn("transient");
        _contended = [.. _userIds.Take(64).Select(LoggedIn)];
    }

    [Benchmark]
    public int FindUser() => _hub.Registry.FindUser(_userIds[Users / 2])?.Count ?? 0;

    [Benchmark]
    public void AddAndRemoveNewUser()
    {
        _hub.Registry.TryAddLoggedIn(_transient, int.MaxValue);
        _hub.Registry.RemoveLoggedIn(_transient);
    }

    [Benchmark(OperationsPerInvoke = ContendedOperations)]
    public void AddAndRemoveUnderContention() =>
        Parallel.For(0, ContendedOperations, i =>
        {
            var user = _contended[i % 64];
            _hub.Registry.TryAddLoggedIn(user, int.MaxValue);
            _hub.Registry.RemoveLoggedIn(user);
        });

    private static Subscription LoggedIn(string userId) => Subscription.Live(Spare.Instance, StreamId.ForUser(userId));

    /// <summary>A subscriber that is never delivered to: the registry only stores and indexes it here.</summary>
    private sealed class Spare : StreamSubscriber
    {
        public static readonly Spare Instance = new();

        public override MessageFormat Format => SeedFormat.Instance;

        public override bool TryEnqueue(OutboundFrame frame, bool replayed, SendBurst? burst = null) => true;

        public override bool Disconnect(string reason) => false;
    }
}
