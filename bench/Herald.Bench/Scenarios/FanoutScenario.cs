using System.Diagnostics;
using System.Text;
using Herald.Bench.Cli;
using Herald.Bench.Measure;
using Herald.Bench.Net;
using Herald.Bench.Output;
using Herald.Bench.Platform;

namespace Herald.Bench.Scenarios;

/// <summary>
/// <c>fanout --subscribers N --rate R --seconds T [--topic NAME]</c>: N connections (seed flavour, which receives
/// broadcasts as raw text; or herald.v1, each subscribed to the topic), then R messages a second for T seconds
/// through <c>POST /api/v1/publish</c>, each to every connection (<c>"broadcast": true</c>, or the topic), on an
/// open-loop schedule and carrying its scheduled time. Every copy is checked; the figures are copies delivered per
/// second and per second of server CPU, lost and duplicated copies, and scheduled-send-to-receipt percentiles.
/// </summary>
internal static class FanoutScenario
{
    private const int MaxScheduleSeconds = 3600;
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan JoinPollInterval = TimeSpan.FromMilliseconds(10);

    public static async Task<ScenarioReport> RunAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        var httpConnections = args.GetInt("http-connections", 16, 1, 1024);
        using var context = BenchContext.Create(args, httpConnections);
        var requested = args.GetInt("subscribers", 10_000, 1, 1_000_000);
        var rate = args.GetInt("rate", 10, 1, 100_000);
        var seconds = args.GetInt("seconds", 10, 1, MaxScheduleSeconds);
        var warmup = args.GetInt("warmup", rate, 0, 1_000_000);
        var topic = args.GetString("topic", string.Empty) is { Length: > 0 } name ? CheckTopic(name) : null;
        var gcEvents = BenchContext.ReadGcEventsOption(args);
        args.EnsureAllUsed();
        var messages = (long)rate * seconds;
        if (messages > 10_000_000 || (messages + warmup) * requested > FanoutTracker.MaxPairs)
        {
            throw new UsageException($"--rate × --seconds ({messages}) plus --warmup, times --subscribers, is more copies than the generator tracks ({FanoutTracker.MaxPairs})");
        }

        var subscribers = FileDescriptorLimit.Cap(requested, httpConnections + 1, "subscribers");
        context.WarnIfServerLimitBelow(subscribers);
        var before = await context.CheckServerAsync(cancellationToken);
        context.RequireHeraldApi(topic is null ? "POST /api/v1/publish with broadcast" : "herald.v1 and POST /api/v1/publish to a topic");
        var total = warmup + (int)messages;
        var tracker = new FanoutTracker(total, warmup, subscribers);
        var protocol = topic is null ? context.Seed : context.HeraldV1(topic);
        var (set, _) = await Population.OpenAsync(context, before, subscribers, protocol, tracker, null, Population.ConnectParallelism, cancellationToken);
        if (topic is not null)
        {
            await WaitForSubscriptionsAsync(tracker, set.Opened, cancellationToken);
        }

        var target = topic is null ? "broadcast" : "topic:" + topic;
        await using var gc = await context.StartGcEventsAsync(gcEvents);
        var warmupLost = 0L;
        if (warmup > 0)
        {
            Console.Error.WriteLine($"fanout: warming up with {warmup} messages at {rate}/s to {target}");
            var warmupAnswers = await new OpenLoopSchedule(Publish(context.PublishApi, topic, cancellationToken), rate, 0, warmup, cancellationToken).RunAsync(AnswerTimeout);
            var warmupQueued = SumQueued(warmupAnswers);
            await Drain.WaitAsync(() => tracker.WarmupReceived, warmupQueued, cancellationToken);
            warmupLost = Math.Max(0, warmupQueued - tracker.WarmupReceived);
        }

        Console.Error.WriteLine($"fanout: publishing {messages} messages at {rate}/s to {target}, {set.Opened} subscribers");
        var statsBefore = await context.ReadStatsAsync(cancellationToken);
        gc?.BeginWindow();
        var meter = CpuMeter.Start(context.Servers);
        var started = Stopwatch.GetTimestamp();
        var schedule = new OpenLoopSchedule(Publish(context.PublishApi, topic, cancellationToken), rate, warmup, (int)messages, cancellationToken);
        var answers = await schedule.RunAsync(AnswerTimeout);
        var queued = SumQueued(answers);
        await Drain.WaitAsync(() => tracker.Received, queued, cancellationToken);
        var window = meter.Stop();
        var gcFigures = gc is null ? null : await gc.EndAsync();
        var after = await context.ReadStatsAsync(cancellationToken);

        var errors = answers.LongCount(static answer => answer < 0);
        var delivered = tracker.Received;
        var lastReceived = set.LastReceivedAt();
        var deliverySeconds = lastReceived > started ? PreciseClock.ToMilliseconds(lastReceived - started) / 1000 : window.WallSeconds;
        var lag = Percentiles.Summarize(schedule.Lag);
        var connectionsLost = set.CountLost(out var firstLost);
        await set.CloseAllAsync(Population.ConnectParallelism);

        double? perServerSecond = window.ServerCpuSeconds is { } server && server > 0 ? Round.To1(delivered / server) : null;
        double? serverPerDelivery = window.ServerCpuSeconds is { } cpu && delivered > 0 ? Round.To3(cpu * 1e6 / delivered) : null;
        var generatorPerDelivery = delivered > 0 ? Round.To3(window.GeneratorCpuSeconds * 1e6 / delivered) : 0;
        var result = new FanoutResult(
            context.RunInfo(), target, set.Opened, rate, seconds, (int)messages, warmup, errors, queued, (messages - errors) * set.Opened, delivered,
            Math.Max(0, queued - delivered), tracker.Duplicates, tracker.Unrecognized, warmupLost, Round.To1(delivered / deliverySeconds),
            perServerSecond, serverPerDelivery, generatorPerDelivery, tracker.Latency.Summarize(), lag, window, gcFigures,
            ServerCounterDeltas.Between(statsBefore, after), connectionsLost, firstLost);

        return ScenarioReport.Create(result, ResultJsonContext.Default.FanoutResult, new MarkdownRow()
            .Add("scenario", "fanout")
            .Add("target", target)
            .Add("subscribers", set.Opened)
            .Add("rate/s", rate)
            .Add("seconds", seconds)
            .Add("delivered/s", result.DeliveredPerSecond)
            .Add("deliveries per server CPU s", perServerSecond)
            .Add("lost", result.Lost)
            .Add("dup", result.Duplicated)
            .Add("errors", errors)
            .Add("p50 ms", result.Latency?.P50Ms)
            .Add("p99 ms", result.Latency?.P99Ms)
            .Add("p99.9 ms", result.Latency?.P999Ms)
            .Add("max ms", result.Latency?.MaxMs)
            .Add("server GCs 0/1/2", gcFigures?.Counts ?? "n/a")
            .Add("GC max pause ms", gcFigures?.MaxPauseMs)
            .Add("server CPU (% core)", window.ServerCpuPercentOfCore)
            .Add("generator CPU (% core)", window.GeneratorCpuPercentOfCore));
    }

    /// <summary>Each message as <c>{"broadcast":true,"data":"-1:seq:due"}</c>, or to the topic, through <c>POST /api/v1/publish</c>.</summary>
    private static DuePublish Publish(HeraldApiClient api, string? topic, CancellationToken cancellationToken)
    {
        var targetJson = topic is null ? "\"broadcast\":true" : $"\"topics\":[\"{topic}\"]";
        return (seq, due) =>
        {
            var body = Encoding.UTF8.GetBytes($$"""{{{targetJson}},"data":"{{BenchMessage.Format(BenchMessage.Everyone, seq, due)}}"}""");
            return async () => (await api.PublishAsync(body, cancellationToken)).Delivered;
        };
    }

    /// <summary>Copies the server said it queued, over the accepted publishes.</summary>
    private static long SumQueued(int[] answers) => answers.Sum(static answer => (long)Math.Max(0, answer));

    /// <summary>Waits until the server has confirmed every subscription (a herald.v1 <c>joined</c> each), or warns.</summary>
    private static async Task WaitForSubscriptionsAsync(FanoutTracker tracker, int expected, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(Math.Min(120, 10 + (expected / 1000.0)));
        var started = Stopwatch.GetTimestamp();
        while (tracker.TopicsJoined < expected && Stopwatch.GetElapsedTime(started) < timeout)
        {
            await Task.Delay(JoinPollInterval, cancellationToken);
        }

        if (tracker.TopicsJoined < expected)
        {
            Console.Error.WriteLine($"warning: after {timeout.TotalSeconds:0} s the server confirmed {tracker.TopicsJoined} of {expected} subscriptions");
        }
    }

    /// <exception cref="UsageException">Not 1 to 128 characters of A-Z a-z 0-9 . _ - : / (the server's topic rule).</exception>
    private static string CheckTopic(string topic) =>
        topic.Length <= 128 && topic.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':' or '/')
            ? topic
            : throw new UsageException($"--topic '{topic}' must be 1 to 128 characters of A-Z a-z 0-9 . _ - : /");
}
