using System.Collections.Concurrent;
using Herald.Client;

namespace Herald.Tests.Client;

/// <summary>
/// Reads a subscriber as an application would, one message at a time with a timeout on every wait, and records
/// the states and joins it reported.
/// </summary>
public sealed class SubscriberProbe : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly IAsyncEnumerator<HeraldMessage> _messages;
    private Task<bool> _moving = Task.FromResult(true);

    public SubscriberProbe(HeraldSubscriber subscriber)
    {
        Subscriber = subscriber;
        subscriber.StateChanged += (_, state) => States.Enqueue(state);
        subscriber.StreamJoined += (_, joined) => Joins.Enqueue(joined);
        _messages = subscriber.ReadAllAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
    }

    public HeraldSubscriber Subscriber { get; }

    public ConcurrentQueue<HeraldSubscriberState> States { get; } = new();

    /// <summary>The joins, as the reader met them (so only once the messages before them were read).</summary>
    public ConcurrentQueue<HeraldStreamJoined> Joins { get; } = new();

    /// <summary>A reconnect policy fast enough for tests: waits of 20 ms, growing to 200 ms.</summary>
    public static HeraldReconnectPolicy FastReconnect { get; } = new() { InitialDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200) };

    /// <summary>Creates a subscriber with a fast reconnect policy, starts it, and waits until it is connected.</summary>
    public static Task<SubscriberProbe> StartAsync(Uri serverUri, string userId, Func<HeraldSubscriberOptions, HeraldSubscriberOptions>? configure = null)
    {
        var options = new HeraldSubscriberOptions { ServerUri = serverUri, UserId = userId, Reconnect = FastReconnect };
        return StartAsync(configure?.Invoke(options) ?? options);
    }

    /// <summary>Creates a subscriber with exactly these options, starts it, and waits until it is connected.</summary>
    public static async Task<SubscriberProbe> StartAsync(HeraldSubscriberOptions options)
    {
        var probe = new SubscriberProbe(new HeraldSubscriber(options));
        await probe.Subscriber.StartAsync(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        return probe;
    }

    /// <summary>The next message; fails the test when none comes within the timeout.</summary>
    public async Task<HeraldMessage> NextAsync()
    {
        Assert.True(await MoveNextAsync(), $"the subscriber ended (state {Subscriber.State}) before the next message");
        return _messages.Current;
    }

    public async Task<List<HeraldMessage>> NextAsync(int count)
    {
        var messages = new List<HeraldMessage>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                messages.Add(await NextAsync());
            }
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Only {messages.Count} of {count} messages came (last seq {messages.LastOrDefault()?.Seq}); states: {string.Join(", ", States)}");
        }

        return messages;
    }

    /// <summary>Waits for the end of the messages, which comes when the subscriber closed for good.</summary>
    public async Task AssertEndedAsync() => Assert.False(await MoveNextAsync(), "expected the messages to end");

    // A wait that timed out leaves its MoveNextAsync running; DisposeAsync lets it finish before disposing the enumerator.
    private Task<bool> MoveNextAsync()
    {
        _moving = _messages.MoveNextAsync().AsTask();
        return _moving.WaitAsync(Timeout, TestContext.Current.CancellationToken);
    }

    public Task WaitForStatusAsync(HeraldSubscriberStatus status) =>
        Infrastructure.Eventually.TrueAsync(() => Subscriber.State.Status == status, $"the subscriber to be {status} (is {Subscriber.State})");

    public async ValueTask DisposeAsync()
    {
        await Subscriber.DisposeAsync();
        await ((Task)_moving).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _messages.DisposeAsync();
    }
}
