using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Herald.Diagnostics;

/// <summary>
/// The hub's running totals. One source for both <c>GET /api/v1/stats</c> and the <c>Herald</c> meter,
/// so the two can never disagree.
/// </summary>
internal sealed class HubCounters(TimeProvider timeProvider)
{
    private long _connectionsOpened;
    private long _messagesPublished;
    private long _messagesQueued;
    private long _messagesDelivered;
    private long _messagesDropped;
    private long _slowConsumerDisconnects;
    private long _messagesConflated;
    private long _messagesReplayed;
    private readonly long[] _limitRefusals = new long[HeraldLimits.All.Length];
    private long _closedByClient;
    private long _lost;

    // By the server's close code: Herald's own codes (docs/protocol.md), a bounded set.
    private readonly ConcurrentDictionary<int, StrongBox<long>> _closedByServer = new();

    /// <summary>When the hub started: the counters are made when the host starts (the metrics hold them).</summary>
    public DateTimeOffset StartedAt { get; } = timeProvider.GetUtcNow();

    public long ConnectionsOpened => Interlocked.Read(ref _connectionsOpened);

    public long MessagesPublished => Interlocked.Read(ref _messagesPublished);

    public long MessagesQueued => Interlocked.Read(ref _messagesQueued);

    public long MessagesDelivered => Interlocked.Read(ref _messagesDelivered);

    public long MessagesDropped => Interlocked.Read(ref _messagesDropped);

    public long SlowConsumerDisconnects => Interlocked.Read(ref _slowConsumerDisconnects);

    public long MessagesConflated => Interlocked.Read(ref _messagesConflated);

    public long MessagesReplayed => Interlocked.Read(ref _messagesReplayed);

    /// <summary>Refusals by every limit together (the stats field <c>limitRefusals</c>).</summary>
    public long LimitRefusalsTotal
    {
        get
        {
            var total = 0L;
            for (var i = 0; i < _limitRefusals.Length; i++)
            {
                total += Interlocked.Read(ref _limitRefusals[i]);
            }

            return total;
        }
    }

    /// <summary>Refusals by one limit (the metric <c>herald.limits.refused</c> with its <c>limit</c> tag).</summary>
    public long LimitRefusals(HeraldLimit limit) => Interlocked.Read(ref _limitRefusals[(int)limit]);

    public void ConnectionOpened() => Interlocked.Increment(ref _connectionsOpened);

    public void MessagePublished(int queuedFor)
    {
        Interlocked.Increment(ref _messagesPublished);
        Interlocked.Add(ref _messagesQueued, queuedFor);
    }

    /// <summary>
    /// Messages replayed from the history to a joining connection: queued copies like the published ones (so that
    /// queued = delivered + dropped + conflated + waiting holds for every copy), and counted apart as well.
    /// </summary>
    /// <param name="count">The replayed messages queued.</param>
    /// <param name="liveNotQueued">
    /// Live messages that their publish counted as queued for the joining connection while it read the history,
    /// but that the join did not queue (the replay already held them, or they came before the join's position):
    /// taken back off the queued count.
    /// </param>
    public void AddReplayed(int count, int liveNotQueued = 0)
    {
        Interlocked.Add(ref _messagesQueued, count - liveNotQueued);
        Interlocked.Add(ref _messagesReplayed, count);
    }

    public void AddDelivered(int count) => Interlocked.Add(ref _messagesDelivered, count);

    public void AddDropped(int count) => Interlocked.Add(ref _messagesDropped, count);

    public void MessageConflated() => Interlocked.Increment(ref _messagesConflated);

    public void SlowConsumerDisconnected() => Interlocked.Increment(ref _slowConsumerDisconnects);

    public void LimitRefused(HeraldLimit limit) => Interlocked.Increment(ref _limitRefusals[(int)limit]);

    /// <param name="end">How the connection ended.</param>
    /// <param name="closeCode">The server's close code, for <see cref="ConnectionEnd.ServerClosed"/>.</param>
    public void ConnectionEnded(ConnectionEnd end, int closeCode)
    {
        switch (end)
        {
            case ConnectionEnd.ClientClosed:
                Interlocked.Increment(ref _closedByClient);
                break;
            case ConnectionEnd.ServerClosed:
                Interlocked.Increment(ref _closedByServer.GetOrAdd(closeCode, static _ => new StrongBox<long>()).Value);
                break;
            default:
                Interlocked.Increment(ref _lost);
                break;
        }
    }

    /// <summary>Connections ended since start: closed by the client, lost, and closed by the server by its close code (0 for the other two).</summary>
    public IEnumerable<(ConnectionEnd End, int CloseCode, long Count)> ConnectionEnds()
    {
        yield return (ConnectionEnd.ClientClosed, 0, Interlocked.Read(ref _closedByClient));
        yield return (ConnectionEnd.Lost, 0, Interlocked.Read(ref _lost));
        foreach (var (code, count) in _closedByServer)
        {
            yield return (ConnectionEnd.ServerClosed, code, Interlocked.Read(ref count.Value));
        }
    }
}
