using Herald.Bench.Cli;
using Herald.Bench.Net;

namespace Herald.Bench.Scenarios;

/// <summary>
/// Opens a scenario's users (bench-0, bench-1, ..., or --user-prefix's; one connection each) and makes sure the server has registered
/// every login before a measured phase, since a login gets no reply: by the server's stats when it has them, else
/// by a probe message per user (<see cref="LoginProbes"/>).
/// </summary>
internal static class Population
{
    public const string UserPrefix = "bench-";
    public const int ConnectParallelism = 64;

    /// <summary><see cref="ConnectAsync"/>, then <see cref="ConfirmLoginsAsync"/>.</summary>
    public static async Task<(ConnectionSet Set, bool AllLoggedIn)> OpenAsync(
        BenchContext context, ServerStats? before, int count, ClientProtocol protocol, IMessageSink? sink, Func<int, bool>? signalFirstMessage, int parallelism, CancellationToken cancellationToken)
    {
        var set = await ConnectAsync(context, count, context.UserPrefix, protocol, sink, signalFirstMessage, parallelism, cancellationToken);
        return (set, await ConfirmLoginsAsync(context, before, set, parallelism, cancellationToken));
    }

    /// <summary>Opens the connections (<paramref name="tabs"/> a user) and sends each its login; fails when none opened.</summary>
    public static async Task<ConnectionSet> ConnectAsync(
        BenchContext context, int count, string userPrefix, ClientProtocol protocol, IMessageSink? sink, Func<int, bool>? signalFirstMessage, int parallelism, CancellationToken cancellationToken, int tabs = 1)
    {
        Console.Error.WriteLine($"{context.Scenario}: opening {count} connections ({parallelism} at a time)");
        var set = await ConnectionSet.OpenAsync(context.Connector, count, userPrefix, protocol, sink, signalFirstMessage, parallelism, cancellationToken, tabs);
        if (set.Failures > 0)
        {
            Console.Error.WriteLine($"warning: {set.Failures} of {count} connections failed to open; first error: {set.FirstError}");
        }

        if (set.Opened == 0)
        {
            throw new BenchFailedException($"no connection opened; first error: {set.FirstError}");
        }

        Console.Error.WriteLine($"{context.Scenario}: {set.Opened} open in {set.OpenSeconds:0.###} s");
        return set;
    }

    /// <summary>
    /// Waits until the server counts every open connection's user (<paramref name="before"/> plus the set's) and,
    /// where users have several connections, every connection and no login pending; or, for a server without
    /// stats, until each connection has received a probe message; bounded in time.
    /// </summary>
    /// <returns>Whether every login was confirmed in time.</returns>
    public static async Task<bool> ConfirmLoginsAsync(BenchContext context, ServerStats? before, ConnectionSet set, int parallelism, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(Math.Min(120, 10 + (set.Opened / 1000.0)));
        if (before is null)
        {
            Console.Error.WriteLine($"{context.Scenario}: confirming {set.Opened} logins with a probe message each");
            var unconfirmed = await LoginProbes.ConfirmAsync(context.Api, set, timeout, parallelism, cancellationToken);
            if (unconfirmed > 0)
            {
                Console.Error.WriteLine($"warning: after {timeout.TotalSeconds:0} s, {unconfirmed} of {set.Opened} logins were not confirmed by a probe");
            }

            return unconfirmed == 0;
        }

        var users = set.CountUsers();
        Console.Error.WriteLine($"{context.Scenario}: waiting for the server to count {users} users");
        var expected = before.Users + users;
        var connections = before.Connections + set.Opened;
        Func<ServerStats, bool> loggedIn = users == set.Opened
            ? s => s.Users >= expected
            : s => s.Users >= expected && s.Connections >= connections && s.PendingLogins <= before.PendingLogins;
        var (stats, met) = await context.Api.WaitForStatsAsync(loggedIn, timeout, cancellationToken);
        if (!met)
        {
            Console.Error.WriteLine($"warning: after {timeout.TotalSeconds:0} s the server counts {stats.Users} users and {stats.Connections} connections ({stats.PendingLogins} not logged in), not {expected} and {connections}");
        }

        return met;
    }

    /// <summary>The user IDs of indices 0..count-1, built once so publishing does not concatenate per message.</summary>
    public static string[] UserIds(string prefix, int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = prefix + i;
        }

        return ids;
    }
}
