using System.Diagnostics;
using Herald.Bench.Platform;

namespace Herald.Bench.Scenarios;

/// <summary>
/// Called on the pacing thread as message <paramref name="seq"/> falls due at <paramref name="due"/> (a Stopwatch
/// timestamp, which the message should carry as its send time). It decides what to publish, cheaply since the
/// pacer must keep time, and returns the call that publishes it; that call runs on the thread pool and answers the
/// server's "delivered" count, or -1 when the publish failed.
/// </summary>
internal delegate Func<Task<int>> DuePublish(int seq, long due);

/// <summary>
/// Publishes message i at start + i/rate from a dedicated pacing thread, without waiting for earlier answers
/// (open loop); each message carries its scheduled time, not the time it went out.
/// </summary>
internal sealed class OpenLoopSchedule
{
    private readonly DuePublish _publish;
    private readonly int _rate;
    private readonly int _first;
    private readonly int _count;
    private readonly CancellationToken _cancellationToken;
    private readonly int[] _answers;
    private readonly TaskCompletionSource _allAnswered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _outstanding = 1;

    /// <param name="publish">Makes each message's publish call.</param>
    /// <param name="rate">Messages per second.</param>
    /// <param name="first">The first message's sequence number.</param>
    /// <param name="count">Messages to publish; their sequence numbers are first..first+count-1.</param>
    /// <param name="cancellationToken">Stops the schedule.</param>
    public OpenLoopSchedule(DuePublish publish, int rate, int first, int count, CancellationToken cancellationToken)
    {
        _publish = publish;
        _rate = rate;
        _first = first;
        _count = count;
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
        var ticksPerMessage = (double)Stopwatch.Frequency / _rate;
        var start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 100);
        for (var i = 0; i < _count && !_cancellationToken.IsCancellationRequested; i++)
        {
            var due = start + (long)(i * ticksPerMessage);
            PreciseClock.WaitUntil(due);
            var call = _publish(_first + i, due);
            Interlocked.Increment(ref _outstanding);
            Lag[i] = Stopwatch.GetTimestamp() - due;

            // The pacer only keeps time: the HTTP call runs on the thread pool, so a slow one never delays the next.
            var index = i;
            ThreadPool.UnsafeQueueUserWorkItem(_ => _ = AnswerAsync(index, call), null);
        }
    }

    private async Task AnswerAsync(int index, Func<Task<int>> call)
    {
        try
        {
            Volatile.Write(ref _answers[index], await call());
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
