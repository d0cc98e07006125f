using System.Diagnostics;
using Herald.Bench.Net;

namespace Herald.Bench.Scenarios;

/// <summary>
/// Confirms logins on a server without stats: <c>/send</c> a <see cref="BenchConnection.RegistrationProbe"/> to each
/// user until its connection receives one. A send the server did not queue (Herald's <c>{"delivered":0}</c>, the
/// seed's 404: the login is not registered yet) is repeated after a short pause; a queued one is waited for before
/// it is repeated. Every wait is bounded by one deadline for the whole set.
/// </summary>
internal static class LoginProbes
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan ArrivalWait = TimeSpan.FromSeconds(2);

    /// <returns>How many open connections were not confirmed before <paramref name="timeout"/>.</returns>
    public static async Task<int> ConfirmAsync(HeraldApiClient api, ConnectionSet set, TimeSpan timeout, int parallelism, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var unconfirmed = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(set.Connections, options, async (connection, token) =>
        {
            if (connection is not null && !await ConfirmOneAsync(api, connection, deadline, token))
            {
                Interlocked.Increment(ref unconfirmed);
            }
        });

        return unconfirmed;
    }

    private static async Task<bool> ConfirmOneAsync(HeraldApiClient api, BenchConnection connection, long deadline, CancellationToken cancellationToken)
    {
        while (!connection.Registered.IsCompleted && Stopwatch.GetTimestamp() < deadline)
        {
            var (delivered, _) = await api.SendAsync(connection.UserId, BenchConnection.RegistrationProbe, cancellationToken);
            if (delivered > 0)
            {
                var left = TimeSpan.FromSeconds(Math.Max(0, (double)(deadline - Stopwatch.GetTimestamp()) / Stopwatch.Frequency));
                try
                {
                    await connection.Registered.WaitAsync(left < ArrivalWait ? left : ArrivalWait, cancellationToken);
                }
                catch (TimeoutException)
                {
                    // Queued but not here yet: send again while the deadline allows.
                }
            }
            else
            {
                await Task.Delay(RetryPause, cancellationToken);
            }
        }

        return connection.Registered is { IsCompletedSuccessfully: true, Result: true };
    }
}
