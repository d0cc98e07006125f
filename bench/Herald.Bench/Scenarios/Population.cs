using Herald.Bench.Cli;
using Herald.Bench.Net;

namespace Herald.Bench.Scenarios;

/// <summary>
/// Opens a scenario's users (bench-0, bench-1, ...; one connection each) and waits until the server's stats
/// count them all as logged in, since a login gets no reply.
/// </summary>
internal static class Population
{
    public const string UserPrefix = "bench-";
    public const int ConnectParallelism = 64;

    public static async Task<(ConnectionSet Set, bool AllLoggedIn)> OpenAsync(
        BenchContext context, ServerStats before, int count, ClientProtocol protocol, IMessageSink? sink, Func<int, bool>? signalFirstMessage, int parallelism, CancellationToken cancellationToken)
    {
        Console.Error.WriteLine($"{context.Scenario}: opening {count} connections ({parallelism} at a time)");
        var set = await ConnectionSet.OpenAsync(context.Connector, count, UserPrefix, protocol, sink, signalFirstMessage, parallelism, cancellationToken);
        if (set.Failures > 0)
        {
            Console.Error.WriteLine($"warning: {set.Failures} of {count} connections failed to open; first error: {set.FirstError}");
        }

        if (set.Opened == 0)
        {
            throw new BenchFailedException($"no connection opened; first error: {set.FirstError}");
        }

        Console.Error.WriteLine($"{context.Scenario}: {set.Opened} open in {set.OpenSeconds:0.###} s; waiting for the server to count them as users");
        var expected = before.Users + set.Opened;
        var timeout = TimeSpan.FromSeconds(Math.Min(120, 10 + (set.Opened / 1000.0)));
        var (stats, met) = await context.Api.WaitForStatsAsync(s => s.Users >= expected, timeout, cancellationToken);
        if (!met)
        {
            Console.Error.WriteLine($"warning: after {timeout.TotalSeconds:0} s the server counts {stats.Users} users, not {expected}");
        }

        return (set, met);
    }

    /// <summary>The user IDs of indices 0..count-1, built once so publishing does not concatenate per message.</summary>
    public static string[] UserIds(int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = UserPrefix + i;
        }

        return ids;
    }
}
