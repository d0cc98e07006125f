using System.Diagnostics;
using Herald.Bench.Measure;
using Herald.Bench.Platform;

namespace Herald.Bench.Net;

/// <summary>
/// A scenario's population of logged-in connections: opened with bounded parallelism (each with its own
/// timeout), counted, and closed cleanly at the end.
/// </summary>
internal sealed class ConnectionSet
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private readonly BenchConnection?[] _connections;

    private ConnectionSet(BenchConnection?[] connections, int failures, string? firstError, double seconds)
    {
        _connections = connections;
        Failures = failures;
        FirstError = firstError;
        OpenSeconds = seconds;
    }

    /// <summary>Connections that opened and logged in, by index; a failed index is null.</summary>
    public IReadOnlyList<BenchConnection?> Connections => _connections;

    public int Opened => _connections.Length - Failures;

    /// <summary>The users of the connections that opened: fewer than <see cref="Opened"/> when users have several.</summary>
    public int CountUsers() => _connections.OfType<BenchConnection>().Select(static connection => connection.UserId).Distinct(StringComparer.Ordinal).Count();

    public int Failures { get; }

    public string? FirstError { get; }

    /// <summary>Wall time from the first connect to the last login sent.</summary>
    public double OpenSeconds { get; }

    public double ConnectsPerSecond => OpenSeconds > 0 ? Round.To1(Opened / OpenSeconds) : 0;

    /// <summary>
    /// Opens <paramref name="count"/> connections as users <c>{userPrefix}{index / tabs}</c>, speaking <paramref name="protocol"/>:
    /// each user with <paramref name="tabs"/> connections, as a user with that many browser tabs open.
    /// </summary>
    public static async Task<ConnectionSet> OpenAsync(
        WebSocketConnector connector, int count, string userPrefix, ClientProtocol protocol, IMessageSink? sink, Func<int, bool>? signalFirstMessage, int parallelism, CancellationToken cancellationToken, int tabs = 1)
    {
        var connections = new BenchConnection?[count];
        var failures = 0;
        string? firstError = null;
        var started = Stopwatch.GetTimestamp();
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken };
        await Parallel.ForAsync(0, count, options, async (index, token) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(ConnectTimeout);
            try
            {
                connections[index] = await BenchConnection.OpenAsync(
                    connector, index, userPrefix + (index / tabs), protocol, sink, signalFirstMessage?.Invoke(index) ?? false, timeout.Token);
            }
            catch (Exception exception) when (!token.IsCancellationRequested && exception is not OutOfMemoryException)
            {
                Interlocked.Increment(ref failures);
                Interlocked.CompareExchange(ref firstError, $"{exception.GetType().Name}: {exception.Message}", null);
            }
        });

        return new ConnectionSet(connections, failures, firstError, PreciseClock.SecondsSince(started));
    }

    /// <summary>Messages received so far over all connections.</summary>
    public long TotalReceived()
    {
        long total = 0;
        foreach (var connection in _connections)
        {
            total += connection?.MessagesReceived ?? 0;
        }

        return total;
    }

    /// <summary>The latest receive timestamp of any connection; 0 when none received anything.</summary>
    public long LastReceivedAt()
    {
        long last = 0;
        foreach (var connection in _connections)
        {
            last = Math.Max(last, connection?.LastReceivedAt ?? 0);
        }

        return last;
    }

    /// <summary>Connections the server closed or that failed before the generator closed them.</summary>
    public int CountLost(out string? firstFailure)
    {
        firstFailure = null;
        var lost = 0;
        foreach (var connection in _connections)
        {
            if (connection?.Failure is { } failure)
            {
                lost++;
                firstFailure ??= failure;
            }
        }

        return lost;
    }

    /// <summary>Closes every connection cleanly (aborting any that does not finish in time).</summary>
    /// <returns>How many completed the close handshake.</returns>
    public async Task<int> CloseAllAsync(int parallelism)
    {
        var clean = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism };
        await Parallel.ForEachAsync(_connections, options, async (connection, _) =>
        {
            if (connection is not null && await connection.CloseAsync(CloseTimeout))
            {
                Interlocked.Increment(ref clean);
            }
        });

        return clean;
    }
}
