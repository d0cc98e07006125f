using System.Diagnostics;
using Herald.Bench.Cli;
using Herald.Bench.Measure;
using Herald.Bench.Net;
using Herald.Bench.Output;
using Herald.Bench.Platform;

namespace Herald.Bench.Scenarios;

/// <summary>
/// <c>churn --seconds T --concurrency C</c>: C loops of connect, log in as a fresh user, wait for a message pushed
/// through /send, close cleanly; afterwards the server must drain back to no connections and no users.
/// </summary>
internal static class ChurnScenario
{
    private const int MaxCycles = 100_000_000;
    private const int MaxSendAttempts = 200;
    private const string Message = "churn";
    private static readonly TimeSpan CycleTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(15);

    public static async Task<ScenarioReport> RunAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        var concurrency = args.GetInt("concurrency", 16, 1, 1024);
        using var context = BenchContext.Create(args, concurrency);
        var seconds = args.GetInt("seconds", 10, 1, 3600);
        args.EnsureAllUsed();

        var loops = FileDescriptorLimit.Cap(concurrency, concurrency + 1, "concurrent churn loops");
        var before = await context.CheckServerAsync(cancellationToken);
        var rssStart = context.Server?.ReadRssBytes();
        var run = new ChurnRun(context, $"churn-{Random.Shared.Next(0x100000):x5}-", Stopwatch.GetTimestamp() + (seconds * Stopwatch.Frequency));

        Console.Error.WriteLine($"churn: {loops} loops for {seconds} s");
        var meter = CpuMeter.Start(context.Servers);
        var workers = new Task[loops];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = Task.Run(() => run.LoopAsync(cancellationToken), cancellationToken);
        }

        await Task.WhenAll(workers);
        var window = meter.Stop();

        ServerStats? after = null;
        bool? drained = null;
        double? drainSeconds = null;
        if (before is not null)
        {
            Console.Error.WriteLine("churn: waiting for the server to drain");
            var drainStarted = Stopwatch.GetTimestamp();
            (after, drained) = await context.Api.WaitForStatsAsync(
                s => s.Connections <= before.Connections && s.Users <= before.Users, DrainTimeout, cancellationToken);
            drainSeconds = Round.To3(PreciseClock.SecondsSince(drainStarted));
        }

        var rssEnd = context.Server?.ReadRssBytes();

        var cycles = run.Cycles;
        var failures = run.Failures;
        var perSecond = Round.To1(cycles / window.WallSeconds);
        var result = new ChurnResult(
            context.RunInfo(), loops, seconds, cycles, perSecond, failures, run.FirstFailure, run.LoginRetries, drained, drainSeconds,
            after is null ? null : after.Connections == 0 && after.Users == 0, after?.Connections, after?.Users, after?.PendingLogins, rssStart, rssEnd, window,
            ServerCounterDeltas.Between(before, after));

        return ScenarioReport.Create(result, ResultJsonContext.Default.ChurnResult, new MarkdownRow()
            .Add("scenario", "churn")
            .Add("concurrency", loops)
            .Add("seconds", seconds)
            .Add("cycles/s", perSecond)
            .Add("failures", failures.Total)
            .Add("drained to zero", result.ReturnedToZero switch { true => "yes", false => "no", null => "n/a" })
            .Add("server RSS start (MiB)", rssStart is { } s ? Round.To1(s / 1048576.0) : null)
            .Add("server RSS end (MiB)", rssEnd is { } e ? Round.To1(e / 1048576.0) : null)
            .Add("server CPU (% core)", window.ServerCpuPercentOfCore)
            .Add("generator CPU (% core)", window.GeneratorCpuPercentOfCore));
    }

    private enum Stage
    {
        Connect,
        Publish,
        Receive,
        Close,
    }

    /// <summary>The state the loops share: the cycle counter, the failure counts and the deadline.</summary>
    private sealed class ChurnRun(BenchContext context, string userPrefix, long deadline)
    {
        private readonly long[] _failures = new long[4];
        private long _started;
        private long _cycles;
        private long _loginRetries;
        private string? _firstFailure;

        public long Cycles => Interlocked.Read(ref _cycles);

        public long LoginRetries => Interlocked.Read(ref _loginRetries);

        public string? FirstFailure => Volatile.Read(ref _firstFailure);

        public ChurnFailures Failures => new(
            Interlocked.Read(ref _failures[(int)Stage.Connect]),
            Interlocked.Read(ref _failures[(int)Stage.Publish]),
            Interlocked.Read(ref _failures[(int)Stage.Receive]),
            Interlocked.Read(ref _failures[(int)Stage.Close]));

        public async Task LoopAsync(CancellationToken cancellationToken)
        {
            while (Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref _started);
                if (n > MaxCycles)
                {
                    return;
                }

                var (stage, error) = await CycleAsync(userPrefix + n, cancellationToken);
                if (error is null)
                {
                    Interlocked.Increment(ref _cycles);
                    continue;
                }

                Interlocked.Increment(ref _failures[(int)stage]);
                Interlocked.CompareExchange(ref _firstFailure, $"{stage}: {error}", null);
            }
        }

        /// <returns>The stage reached, and null when the cycle completed, else what went wrong.</returns>
        private async Task<(Stage Stage, string? Error)> CycleAsync(string userId, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(CycleTimeout);
            var stage = Stage.Connect;
            BenchConnection? connection = null;
            try
            {
                connection = await BenchConnection.OpenAsync(context.Connector, 0, userId, context.Seed, null, signalFirstMessage: true, timeout.Token);

                // The login gets no reply: until the server has registered it, /send answers delivered = 0.
                stage = Stage.Publish;
                var delivered = 0;
                for (var attempt = 1; attempt <= MaxSendAttempts && delivered == 0; attempt++)
                {
                    (delivered, var status) = await context.PublishApi.SendAsync(userId, Message, timeout.Token);
                    if (delivered < 0)
                    {
                        connection.Abort();
                        return (stage, $"/send answered HTTP {status}");
                    }

                    if (delivered == 0)
                    {
                        Interlocked.Increment(ref _loginRetries);
                        await Task.Delay(1, timeout.Token);
                    }
                }

                if (delivered == 0)
                {
                    connection.Abort();
                    return (stage, $"login not registered after {MaxSendAttempts} /send attempts");
                }

                stage = Stage.Receive;
                await connection.FirstMessage.WaitAsync(timeout.Token);

                stage = Stage.Close;
                return await connection.CloseAsync(CloseTimeout) ? (stage, null) : (stage, "close handshake did not complete");
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                connection?.Abort();
                return (stage, $"{exception.GetType().Name}: {exception.Message}");
            }
        }
    }
}
