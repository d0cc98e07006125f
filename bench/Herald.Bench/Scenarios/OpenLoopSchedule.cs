using System.Diagnostics;
using Herald.Bench.Measure;
using Herald.Bench.Net;
using Herald.Bench.Platform;

namespace Herald.Bench.Scenarios;

/// <summary>
/// Publishes message i at start + i/rate from a dedicated pacing thread, without waiting for earlier answers
/// (open loop), to a random target user; each message carries its scheduled time, not the time it went out.
/// </summary>
internal sealed class OpenLoopSchedule
{
    private readonly HeraldApiClient _api;
    private readonly string[] _userIds;
    private readonly int[] _targets;
    private readonly int _rate;
    private readonly int _first;
    private readonly int _count;
    private readonly int? _seed;
    private readonly CancellationToken _cancellationToken;
    private readonly int[] _answers;
    private readonly TaskCompletionSource _allAnswered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _outstanding = 1;

    /// <param name="api">Where to publish.</param>
    /// <param name="userIds">User ID by connection index.</param>
    /// <param name="targets">The connection indices messages may go to.</param>
    /// <param name="rate">Messages per second.</param>
    /// <param name="first">The first message's sequence number.</param>
    /// <param name="count">Messages to publish; their sequence numbers are first..first+count-1.</param>
    /// <param name="seed">Seed for the choice of target users; null for a random one.</param>
    /// <param name="cancellationToken">Stops the schedule.</param>
    public OpenLoopSchedule(HeraldApiClient api, string[] userIds, int[] targets, int rate, int first, int count, int? seed, CancellationToken cancellationToken)
    {
        _api = api;
        _userIds = userIds;
        _targets = targets;
        _rate = rate;
        _first = first;
        _count = count;
        _seed = seed;
        _cancellationToken = cancellationToken;
        _answers = new int[count];
        Array.Fill(_answers, -1);
        Lag = new long[count];
    }

    /// <summary>How late each publish was issued against its schedule, in Stopwatch ticks, by seq - first.</summary>
    public long[] Lag { get; }

    /// <summary>Runs the schedule, then waits up to <paramref name="answerTimeout"/> for the outstanding answers.</summary>
    /// <returns>By seq - first: the "delivered" the server answered, or -1 for a failed or unanswered publish.</returns>
    public async Task<int[]> RunAsync(TimeSpan answerTimeout)
    {
        var paced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pacer = new Thread(() =>
        {
            try
            {
                Pace();
                paced.TrySetResult();
            }
            catch (Exception exception)
            {
                paced.TrySetException(exception);
            }
        })
        {
            IsBackground = true,
            Name = "bench-pacer",
        };
        pacer.Start();
        await paced.Task;

        if (Interlocked.Decrement(ref _outstanding) == 0)
        {
            _allAnswered.TrySetResult();
        }

        try
        {
            await _allAnswered.Task.WaitAsync(answerTimeout, _cancellationToken);
        }
        catch (TimeoutException)
        {
            Console.Error.WriteLine($"warning: {Volatile.Read(ref _outstanding)} publishes still unanswered after {answerTimeout.TotalSeconds:0} s; counted as errors");
        }

        return (int[])_answers.Clone();
    }

    private void Pace()
    {
        PreciseClock.UsePreciseSleeps();
        var random = _seed is { } seed ? new Random(seed) : new Random();
        var ticksPerMessage = (double)Stopwatch.Frequency / _rate;
        var start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 100);
        for (var i = 0; i < _count && !_cancellationToken.IsCancellationRequested; i++)
        {
            var due = start + (long)(i * ticksPerMessage);
            var seq = _first + i;
            PreciseClock.WaitUntil(due);
            var user = _targets[random.Next(_targets.Length)];
            var message = BenchMessage.Format(user, seq, due);
            Interlocked.Increment(ref _outstanding);
            Lag[i] = Stopwatch.GetTimestamp() - due;

            // The pacer only keeps time: the HTTP call runs on the thread pool, so a slow one never delays the next.
            var index = i;
            var userId = _userIds[user];
            ThreadPool.UnsafeQueueUserWorkItem(_ => _ = SendAsync(index, userId, message), null);
        }
    }

    private async Task SendAsync(int index, string userId, string message)
    {
        try
        {
            var (delivered, _) = await _api.SendAsync(userId, message, _cancellationToken);
            Volatile.Write(ref _answers[index], delivered);
        }
        catch (OperationCanceledException)
        {
            // Cancelled with the run: the answer stays -1.
        }
        finally
        {
            if (Interlocked.Decrement(ref _outstanding) == 0)
            {
                _allAnswered.TrySetResult();
            }
        }
    }
}
