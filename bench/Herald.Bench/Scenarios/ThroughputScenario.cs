using System.Diagnostics;
using Herald.Bench.Cli;
using Herald.Bench.Measure;
using Herald.Bench.Output;
using Herald.Bench.Platform;
using Herald.Bench.Publishing;

namespace Herald.Bench.Scenarios;

/// <summary>
/// <c>throughput --users N --seconds T --concurrency C [--mode send|batch] [--batch-size B]</c>: C callers on
/// keep-alive connections each publish (one message per <c>/send</c>, or B per batch), wait for the answer, and
/// publish again, for T seconds; message seq goes to user seq % N, and every message is checked on arrival and
/// its latency measured from the time its request went out.
/// </summary>
internal static class ThroughputScenario
{
    /// <summary>The server's default MaxBatchMessages: a larger batch would be refused whole.</summary>
    private const int MaxBatchSize = 1000;

    public static async Task<ScenarioReport> RunAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        // A batch carries its own parallelism: a few callers keep the server busy, 32 would only queue requests.
        var mode = PublishModes.Parse(args.GetString("mode", "send"));
        var concurrency = args.GetInt("concurrency", mode == PublishMode.Batch ? 4 : 32, 1, 1024);
        using var context = BenchContext.Create(args, concurrency);
        var requested = args.GetInt("users", 1000, 1, 1_000_000);
        var seconds = args.GetInt("seconds", 10, 1, 3600);
        var batchSize = args.GetOptionalInt("batch-size", 1, MaxBatchSize);
        var maxMessages = args.GetInt("max-messages", 50_000_000, 1, 1_000_000_000);
        var gcEvents = BenchContext.ReadGcEventsOption(args);
        args.EnsureAllUsed();
        if (batchSize is not null && mode != PublishMode.Batch)
        {
            throw new UsageException("--batch-size needs --mode batch");
        }

        var users = FileDescriptorLimit.Cap(requested, concurrency + 1, "users");
        context.WarnIfServerLimitBelow(users);
        var before = await context.CheckServerAsync(cancellationToken);
        if (mode == PublishMode.Batch)
        {
            context.RequireHeraldApi("POST /api/v1/publish/batch");
        }

        var latency = new LatencyHistogram();
        var tracker = new DeliveryTracker(maxMessages, recordLatency: false, latency);
        var (set, _) = await Population.OpenAsync(context, before, users, context.Seed, tracker, null, Population.ConnectParallelism, cancellationToken);
        IPublisher publisher = mode switch
        {
            PublishMode.Send => new SendPublisher(context.PublishApi, Population.UserIds(context.UserPrefix, users)),
            PublishMode.Batch => new BatchPublisher(context.PublishApi, Population.UserIds(context.UserPrefix, users), batchSize ?? 500),
            _ => throw new UsageException($"--mode {PublishModes.Name(mode)} has no publisher"),
        };

        var perCall = publisher.MessagesPerCall > 1 ? $", {publisher.MessagesPerCall} messages per call" : string.Empty;
        await using var gc = await context.StartGcEventsAsync(gcEvents);
        Console.Error.WriteLine($"throughput: {concurrency} callers publishing for {seconds} s (--mode {PublishModes.Name(mode)}{perCall})");
        gc?.BeginWindow();
        var meter = CpuMeter.Start(context.Servers);
        var started = Stopwatch.GetTimestamp();
        var callers = new Callers(publisher, started + (seconds * Stopwatch.Frequency), maxMessages);
        var tally = await callers.RunAsync(concurrency, cancellationToken);
        var publishSeconds = PreciseClock.SecondsSince(started);
        if (tally.NextSeq >= maxMessages)
        {
            Console.Error.WriteLine($"warning: stopped early at --max-messages {maxMessages}");
        }

        await Drain.WaitAsync(set.TotalReceived, tally.Queued, cancellationToken);
        var window = meter.Stop();
        var gcFigures = gc is null ? null : await gc.EndAsync();
        var after = await context.ReadStatsAsync(cancellationToken);
        var delivered = tracker.CountReceived(0, Math.Min(tally.NextSeq, maxMessages));
        var lastReceived = set.LastReceivedAt();
        var deliverySeconds = lastReceived > started ? PreciseClock.ToMilliseconds(lastReceived - started) / 1000 : publishSeconds;
        var connectionsLost = set.CountLost(out var firstLost);
        await set.CloseAllAsync(Population.ConnectParallelism);

        double? serverPerMessage = window.ServerCpuSeconds is { } server && delivered > 0 ? Round.To1(server * 1e6 / delivered) : null;
        var generatorPerMessage = delivered > 0 ? Round.To1(window.GeneratorCpuSeconds * 1e6 / delivered) : 0;
        var result = new ThroughputResult(
            context.RunInfo(), PublishModes.Name(mode), publisher.MessagesPerCall, set.Opened, concurrency, seconds, tally.Accepted, tally.Failed, tally.Queued,
            delivered, Math.Max(0, tally.Queued - delivered), tracker.Duplicates, tracker.Misdelivered, Round.To3(publishSeconds),
            Round.To1(tally.Accepted / publishSeconds), Round.To1(delivered / deliverySeconds), serverPerMessage, generatorPerMessage,
            latency.Summarize(), window, gcFigures, ServerCounterDeltas.Between(before, after), connectionsLost, firstLost);

        return ScenarioReport.Create(result, ResultJsonContext.Default.ThroughputResult, new MarkdownRow()
            .Add("scenario", "throughput")
            .Add("mode", result.Mode)
            .Add("per call", result.MessagesPerCall)
            .Add("users", set.Opened)
            .Add("concurrency", concurrency)
            .Add("seconds", seconds)
            .Add("published/s", result.PublishedPerSecond)
            .Add("delivered/s", result.DeliveredPerSecond)
            .Add("lost", result.Lost)
            .Add("dup", result.Duplicated)
            .Add("errors", tally.Failed)
            .Add("p50 ms", result.Latency?.P50Ms)
            .Add("p99 ms", result.Latency?.P99Ms)
            .Add("server µs/msg", serverPerMessage)
            .Add("server GCs 0/1/2", gcFigures?.Counts ?? "n/a")
            .Add("GC max pause ms", gcFigures?.MaxPauseMs)
            .Add("server CPU (% core)", window.ServerCpuPercentOfCore)
            .Add("generator µs/msg", generatorPerMessage)
            .Add("generator CPU (% core)", window.GeneratorCpuPercentOfCore));
    }

    /// <summary>The publishing loops: each takes the next sequence numbers, publishes, and repeats until the deadline.</summary>
    private sealed class Callers(IPublisher publisher, long deadline, long maxMessages)
    {
        private long _nextSeq;

        public async Task<Tally> RunAsync(int concurrency, CancellationToken cancellationToken)
        {
            var loops = new Task<Tally>[concurrency];
            for (var i = 0; i < loops.Length; i++)
            {
                loops[i] = Task.Run(() => LoopAsync(cancellationToken), cancellationToken);
            }

            var total = default(Tally);
            foreach (var tally in await Task.WhenAll(loops))
            {
                total = new Tally(total.Accepted + tally.Accepted, total.Queued + tally.Queued, total.Failed + tally.Failed, 0);
            }

            return total with { NextSeq = Interlocked.Read(ref _nextSeq) };
        }

        private async Task<Tally> LoopAsync(CancellationToken cancellationToken)
        {
            var perCall = publisher.MessagesPerCall;
            long accepted = 0, queued = 0, failed = 0;
            while (Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
            {
                var first = Interlocked.Add(ref _nextSeq, perCall) - perCall;
                if (first + perCall > maxMessages)
                {
                    break;
                }

                var outcome = await publisher.PublishAsync(first, cancellationToken);
                accepted += outcome.Accepted;
                queued += outcome.Queued;
                failed += outcome.Failed;
            }

            return new Tally(accepted, queued, failed, 0);
        }
    }

    private readonly record struct Tally(long Accepted, long Queued, long Failed, long NextSeq);
}
