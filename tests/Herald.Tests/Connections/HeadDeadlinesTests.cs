using System.IO.Pipelines;
using Herald.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Tests.Connections;

/// <summary>The direct path's shared head deadlines, on real pipes and a fake clock.</summary>
public sealed class HeadDeadlinesTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(4);

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Sweep_WaitPastItsDeadline_CancelsItsReadAndEndsAsTimedOut()
    {
        using var deadlines = Deadlines();
        var pipe = new Pipe();
        var wait = deadlines.Start(pipe.Reader, CancellationToken.None);
        var read = pipe.Reader.ReadAsync(TestContext.Current.CancellationToken);

        _time.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        Assert.False(read.IsCompleted);
        _time.Advance(deadlines.Period);

        Assert.True((await read).IsCanceled);
        Assert.Equal(HeadWaitEnd.TimedOut, deadlines.End(wait));
    }

    [Fact]
    public async Task End_BeforeTheDeadline_LeavesTheNextReadAlone()
    {
        using var deadlines = Deadlines();
        var pipe = new Pipe();
        var wait = deadlines.Start(pipe.Reader, CancellationToken.None);

        Assert.Equal(HeadWaitEnd.NotCancelled, deadlines.End(wait));
        _time.Advance(Timeout * 2);
        await pipe.Writer.WriteAsync("GET"u8.ToArray(), TestContext.Current.CancellationToken);

        var result = await pipe.Reader.ReadAsync(TestContext.Current.CancellationToken);
        Assert.False(result.IsCanceled);
        Assert.Equal(3, result.Buffer.Length);
    }

    [Fact]
    public async Task Sweep_CloseRequested_CancelsTheReadBeforeTheDeadline()
    {
        using var deadlines = Deadlines();
        using var closeRequested = new CancellationTokenSource();
        var pipe = new Pipe();
        var wait = deadlines.Start(pipe.Reader, closeRequested.Token);
        var read = pipe.Reader.ReadAsync(TestContext.Current.CancellationToken);

        await closeRequested.CancelAsync();
        _time.Advance(deadlines.Period);

        Assert.True((await read).IsCanceled);
        Assert.Equal(HeadWaitEnd.CloseRequested, deadlines.End(wait));
    }

    [Fact]
    public void Sweep_ThousandsOfWaitsEndedOutOfOrder_TimesOutExactlyTheOnesStillWaiting()
    {
        using var deadlines = Deadlines();
        var pipes = Enumerable.Range(0, 3000).Select(_ => new Pipe()).ToArray();
        var waits = new long[pipes.Length];
        for (var i = 0; i < pipes.Length; i++)
        {
            waits[i] = deadlines.Start(pipes[i].Reader, CancellationToken.None);
            if (i % 3 == 1)
            {
                // Ended while later waits are still being added, some behind the ring's start and some after it grew.
                Assert.Equal(HeadWaitEnd.NotCancelled, deadlines.End(waits[i - 1]));
            }
        }

        _time.Advance(Timeout + deadlines.Period);

        for (var i = 0; i < pipes.Length; i++)
        {
            if (i % 3 != 0)
            {
                Assert.Equal(HeadWaitEnd.TimedOut, deadlines.End(waits[i]));
                Assert.True(pipes[i].Reader.TryRead(out var result) && result.IsCanceled);
            }
        }
    }

    [Fact]
    public async Task Sweep_NoTimeout_NeverTimesOutButStillEndsTheWaitOnACloseRequest()
    {
        using var deadlines = Deadlines(System.Threading.Timeout.InfiniteTimeSpan);
        using var closeRequested = new CancellationTokenSource();
        var pipe = new Pipe();
        var wait = deadlines.Start(pipe.Reader, closeRequested.Token);
        var read = pipe.Reader.ReadAsync(TestContext.Current.CancellationToken);

        Assert.Equal(TimeSpan.FromSeconds(1), deadlines.Period);
        _time.Advance(TimeSpan.FromHours(2));
        Assert.False(read.IsCompleted);
        await closeRequested.CancelAsync();
        _time.Advance(deadlines.Period);

        Assert.True((await read).IsCanceled);
        Assert.Equal(HeadWaitEnd.CloseRequested, deadlines.End(wait));
    }

    private HeadDeadlines Deadlines(TimeSpan? timeout = null) =>
        new(Options.Create(new KestrelServerOptions { Limits = { RequestHeadersTimeout = timeout ?? Timeout } }), _time);
}
