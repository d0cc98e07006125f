using Herald.Bench.Cli;
using Herald.Bench.Measure;
using Herald.Bench.Net;
using Herald.Bench.Output;
using Herald.Bench.Platform;

namespace Herald.Bench.Scenarios;

/// <summary>
/// <c>latency --users N --rate R --messages M</c>: M messages published through <c>GET /send</c> to random users
/// on an open-loop schedule, message i at start + i/R whatever earlier calls are doing, each carrying its
/// scheduled time; latency is receive time minus scheduled time, so a stalled server cannot hide its stall
/// (no coordinated omission).
/// </summary>
internal static class LatencyScenario
{
    private const int MaxScheduleSeconds = 3600;
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);

    public static async Task<ScenarioReport> RunAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        var httpConnections = args.GetInt("http-connections", 64, 1, 1024);
        using var context = BenchContext.Create(args, httpConnections);
        var requested = args.GetInt("users", 1000, 1, 1_000_000);
        var rate = args.GetInt("rate", 1000, 1, 1_000_000);
        var messages = args.GetInt("messages", 10_000, 1, 10_000_000);
        var warmup = args.GetInt("warmup", Math.Min(200, messages / 10), 0, 1_000_000);
        var seed = args.GetOptionalInt("seed", 0, int.MaxValue);
        var gcEvents = BenchContext.ReadGcEventsOption(args);
        args.EnsureAllUsed();
        if ((double)(messages + warmup) / rate > MaxScheduleSeconds)
        {
            throw new UsageException($"--messages plus --warmup at --rate {rate}/s would take over {MaxScheduleSeconds} s");
        }

        var users = FileDescriptorLimit.Cap(requested, httpConnections + 1, "users");
        context.WarnIfServerLimitBelow(users);
        var before = await context.CheckServerAsync(cancellationToken);
        var total = warmup + messages;
        var tracker = new DeliveryTracker(total, recordLatency: true);
        var (set, _) = await Population.OpenAsync(context, before, users, context.Seed, tracker, null, Population.ConnectParallelism, cancellationToken);
        var targets = OpenIndices(set);
        var userIds = Population.UserIds(context.UserPrefix, users);
        await using var gc = await context.StartGcEventsAsync(gcEvents);

        var warmupLost = 0L;
        if (warmup > 0)
        {
            // A phase of its own, so the generator's and the server's JIT and first-use costs stay out of every figure.
            Console.Error.WriteLine($"latency: warming up with {warmup} messages at {rate}/s");
            var warmupPublish = SendToRandomUser(context.PublishApi, userIds, targets, seed is { } s ? unchecked(s + 1) : null, cancellationToken);
            var warmupSchedule = new OpenLoopSchedule(warmupPublish, rate, 0, warmup, cancellationToken);
            var warmupAnswers = await warmupSchedule.RunAsync(AnswerTimeout);
            var warmupExpected = CountExpected(warmupAnswers);
            await Drain.WaitAsync(() => tracker.CountReceived(0, warmup), warmupExpected, cancellationToken);
            warmupLost = Math.Max(0, warmupExpected - tracker.CountReceived(0, warmup));
        }

        Console.Error.WriteLine($"latency: publishing {messages} messages at {rate}/s");
        var statsBefore = await context.ReadStatsAsync(cancellationToken);
        gc?.BeginWindow();
        var meter = CpuMeter.Start(context.Servers);
        var schedule = new OpenLoopSchedule(SendToRandomUser(context.PublishApi, userIds, targets, seed, cancellationToken), rate, warmup, messages, cancellationToken);
        var answers = await schedule.RunAsync(AnswerTimeout);
        await Drain.WaitAsync(() => tracker.CountReceived(warmup, total), CountExpected(answers), cancellationToken);
        var window = meter.Stop();
        var gcFigures = gc is null ? null : await gc.EndAsync();
        var after = await context.ReadStatsAsync(cancellationToken);

        var errors = answers.LongCount(static answer => answer < 0);
        var notQueued = answers.LongCount(static answer => answer == 0);
        var delivered = tracker.CountReceived(warmup, total);
        var lost = Math.Max(0, messages - errors - delivered);
        var latency = Percentiles.Summarize(tracker.CollectLatencies(warmup, total));
        var lag = Percentiles.Summarize(schedule.Lag);
        var connectionsLost = set.CountLost(out var firstLost);
        await set.CloseAllAsync(Population.ConnectParallelism);

        var result = new LatencyResult(
            context.RunInfo(), set.Opened, rate, messages, warmup, errors, notQueued, delivered, lost, tracker.Duplicates, tracker.Misdelivered,
            warmupLost, latency, lag, window, gcFigures, ServerCounterDeltas.Between(statsBefore, after), connectionsLost, firstLost);

        return ScenarioReport.Create(result, ResultJsonContext.Default.LatencyResult, new MarkdownRow()
            .Add("scenario", "latency")
            .Add("users", set.Opened)
            .Add("rate/s", rate)
            .Add("messages", messages)
            .Add("delivered", delivered)
            .Add("lost", lost)
            .Add("dup", tracker.Duplicates)
            .Add("p50 ms", latency?.P50Ms)
            .Add("p90 ms", latency?.P90Ms)
            .Add("p99 ms", latency?.P99Ms)
            .Add("p99.9 ms", latency?.P999Ms)
            .Add("max ms", latency?.MaxMs)
            .Add("sched lag p99 ms", lag?.P99Ms)
            .Add("server GCs 0/1/2", gcFigures?.Counts ?? "n/a")
            .Add("GC max pause ms", gcFigures?.MaxPauseMs)
            .Add("server CPU (% core)", window.ServerCpuPercentOfCore)
            .Add("generator CPU (% core)", window.GeneratorCpuPercentOfCore));
    }

    /// <summary>Each message through <c>GET /send</c> to a random one of <paramref name="targets"/> (connection indices), seeded or not.</summary>
    private static DuePublish SendToRandomUser(HeraldApiClient api, string[] userIds, int[] targets, int? seed, CancellationToken cancellationToken)
    {
        // Used on the pacing thread only, so the targets follow from the seed alone.
        var random = seed is { } s ? new Random(s) : new Random();
        return (seq, due) =>
        {
            var user = targets[random.Next(targets.Length)];
            var userId = userIds[user];
            var message = BenchMessage.Format(user, seq, due);
            return async () => (await api.SendAsync(userId, message, cancellationToken)).Delivered;
        };
    }

    private static int[] OpenIndices(ConnectionSet set)
    {
        var indices = new List<int>(set.Opened);
        for (var i = 0; i < set.Connections.Count; i++)
        {
            if (set.Connections[i] is not null)
            {
                indices.Add(i);
            }
        }

        return [.. indices];
    }

    /// <summary>Messages the server said it queued for at least one connection.</summary>
    private static long CountExpected(int[] answers) => answers.LongCount(static answer => answer > 0);
}
