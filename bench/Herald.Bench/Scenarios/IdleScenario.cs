using Herald.Bench.Cli;
using Herald.Bench.Measure;
using Herald.Bench.Net;
using Herald.Bench.Output;
using Herald.Bench.Platform;

namespace Herald.Bench.Scenarios;

/// <summary>
/// <c>idle --connections N [--tabs K]</c>: N connections of N / K users (K each, as browser tabs) connect and log
/// in, and the server's CPU over that phase is its cost per connect and login; once every login is confirmed and a
/// sample of them receives a pushed message, the server's memory per connection and its CPU while idle are measured.
/// </summary>
internal static class IdleScenario
{
    private const int ProbeCount = 20;
    private const string ProbeMessage = "idle-probe";
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(15);

    public static async Task<ScenarioReport> RunAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        using var context = BenchContext.Create(args, ProbeCount);
        var requested = args.GetInt("connections", 1000, 1, 1_000_000);
        var parallelism = args.GetInt("connect-concurrency", Population.ConnectParallelism, 1, 1024);
        var idleSeconds = args.GetInt("idle-seconds", 5, 1, 600);
        var settleSeconds = args.GetInt("settle-seconds", 2, 0, 600);
        var warmupConnections = args.GetInt("warmup-connections", 100, 0, 100_000);
        var tabs = args.GetInt("tabs", 1, 1, 1000);
        var liveHeap = args.GetOnOff("live-heap", defaultValue: true);
        args.EnsureAllUsed();

        var count = FileDescriptorLimit.Cap(requested, ProbeCount + 1, "connections");
        if (count == 0)
        {
            throw new BenchFailedException("the open-files limit leaves no room for connections");
        }

        context.WarnIfServerLimitBelow(count);
        var before = await context.CheckServerAsync(cancellationToken);
        await WarmUpAsync(context, before, Math.Min(warmupConnections, count), parallelism, cancellationToken);
        var rssBefore = context.Server?.ReadRssBytes();
        var probes = ProbeIndices(count);

        // The connect phase ends when the server has gone quiet after the last login was sent, the same rule for a
        // server with stats as without; confirming the logins comes after it, so its probes cost the phase nothing.
        var connectMeter = CpuMeter.Start(context.Servers);
        var set = await Population.ConnectAsync(
            context, count, context.UserPrefix, context.Seed, sink: null, index => Array.BinarySearch(probes, index) >= 0, parallelism, cancellationToken, tabs);
        await ServerQuiet.WaitAsync(context.Servers, cancellationToken);
        var connectPhase = connectMeter.Stop();
        var allConfirmed = await Population.ConfirmLoginsAsync(context, before, set, parallelism, cancellationToken);
        var probesReceived = await ProbeAsync(context.PublishApi, set, probes, cancellationToken);

        Console.Error.WriteLine($"idle: {probesReceived} of {probes.Length} probes arrived; settling {settleSeconds} s, then measuring {idleSeconds} s of idle");

        // The connect burst leaves work behind (log flushing, tiered JIT, GC) that is not idle cost.
        await Task.Delay(TimeSpan.FromSeconds(settleSeconds), cancellationToken);
        var meter = CpuMeter.Start(context.Servers);
        await Task.Delay(TimeSpan.FromSeconds(idleSeconds), cancellationToken);
        var idle = meter.Stop();
        var rssAfter = context.Server?.ReadRssBytes();
        var lost = set.CountLost(out var firstLost);

        // After the RSS reading: the induced collections change what RSS would say next.
        var liveWith = liveHeap && context.Server is { } server ? await LiveHeap.MeasureAsync(server) : null;

        Console.Error.WriteLine("idle: closing");
        var clean = await set.CloseAllAsync(parallelism);
        bool? drained = before is null ? null : (await context.Api.WaitForStatsAsync(s => s.Connections <= before.Connections, DrainTimeout, cancellationToken)).Met;
        var liveWithout = liveWith is not null ? await LiveHeap.MeasureAsync(context.Server!) : null;
        double? livePerConnection = liveWith is { } w && liveWithout is { } wo ? Round.To1((double)(w - wo) / set.Opened) : null;

        double? perConnection = rssBefore is { } b && rssAfter is { } a ? Round.To1((double)(a - b) / set.Opened) : null;
        double? cpuPerConnect = connectPhase.ServerCpuSeconds is { } connectCpu ? Round.To1(connectCpu * 1e6 / set.Opened) : null;
        var result = new IdleResult(
            context.RunInfo(), requested, set.Opened, set.CountUsers(), set.Failures, set.FirstError, Round.To3(set.OpenSeconds), set.ConnectsPerSecond, connectPhase,
            cpuPerConnect, allConfirmed, probes.Length, probesReceived, rssBefore, rssAfter, perConnection, liveWith, liveWithout, livePerConnection,
            idle, lost, firstLost, clean, drained);

        return ScenarioReport.Create(result, ResultJsonContext.Default.IdleResult, new MarkdownRow()
            .Add("scenario", "idle")
            .Add("connections", set.Opened)
            .Add("users", result.Users)
            .Add("connects/s", set.ConnectsPerSecond)
            .Add("server µs/connect+login", cpuPerConnect)
            .Add("server RSS/conn (KiB)", perConnection is { } p ? Round.To1(p / 1024) : null)
            .Add("server live heap/conn (KiB)", livePerConnection is { } h ? Round.To3(h / 1024) : null)
            .Add("server idle CPU (% core)", idle.ServerCpuPercentOfCore)
            .Add("generator idle CPU (% core)", idle.GeneratorCpuPercentOfCore)
            .Add("probes", $"{probesReceived}/{probes.Length}")
            .Add("lost", lost));
    }

    /// <summary>
    /// Opens and closes a few connections first, so the RSS baseline already holds the code and pools the
    /// connection path needs and the growth measured is the connections' own.
    /// </summary>
    private static async Task WarmUpAsync(BenchContext context, ServerStats? before, int count, int parallelism, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return;
        }

        Console.Error.WriteLine($"idle: warming the server up with {count} connections");
        var warmup = await Population.ConnectAsync(context, count, "warmup-", context.Seed, null, null, parallelism, cancellationToken);
        await Population.ConfirmLoginsAsync(context, before, warmup, parallelism, cancellationToken);
        await warmup.CloseAllAsync(parallelism);
        if (before is null)
        {
            return;
        }

        var (_, drained) = await context.Api.WaitForStatsAsync(s => s.Connections <= before.Connections, DrainTimeout, cancellationToken);
        if (!drained)
        {
            Console.Error.WriteLine("warning: the warm-up connections did not all leave the server's stats");
        }
    }

    /// <summary>About <see cref="ProbeCount"/> indices spread evenly over 0..count-1, ascending.</summary>
    private static int[] ProbeIndices(int count)
    {
        var probes = Math.Min(ProbeCount, count);
        var indices = new int[probes];
        for (var i = 0; i < probes; i++)
        {
            indices[i] = (int)((long)i * count / probes);
        }

        return indices;
    }

    /// <summary>Pushes one message to each probed user and waits for each to arrive.</summary>
    /// <returns>How many arrived within the timeout.</returns>
    private static async Task<int> ProbeAsync(HeraldApiClient api, ConnectionSet set, int[] probes, CancellationToken cancellationToken)
    {
        var arrivals = new List<Task>(probes.Length);
        foreach (var index in probes)
        {
            if (set.Connections[index] is { } connection)
            {
                var (delivered, status) = await api.SendAsync(connection.UserId, ProbeMessage, cancellationToken);
                if (delivered < 1)
                {
                    Console.Error.WriteLine($"warning: /send to {connection.UserId} answered delivered={delivered} (HTTP {status})");
                }

                arrivals.Add(connection.FirstMessage);
            }
        }

        try
        {
            await Task.WhenAll(arrivals).WaitAsync(ProbeTimeout, cancellationToken);
        }
        catch (Exception exception) when (exception is TimeoutException or System.Net.WebSockets.WebSocketException)
        {
            Console.Error.WriteLine($"warning: not every probe arrived: {exception.Message}");
        }

        return arrivals.Count(static arrival => arrival.IsCompletedSuccessfully);
    }
}
