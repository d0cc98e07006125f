using Herald.Auth;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Tests.Auth;

public sealed class CircuitBreakerTests
{
    private static readonly TimeSpan OpenDuration = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void TryPass_Closed_LetsEveryCallThrough()
    {
        var breaker = NewBreaker();

        Assert.Equal([BreakerPass.Call, BreakerPass.Call, BreakerPass.Call], [breaker.TryPass(), breaker.TryPass(), breaker.TryPass()]);
        Assert.False(breaker.IsOpen);
    }

    [Fact]
    public void Failed_AsManyInARowAsTheLimit_OpensAndRejects()
    {
        var breaker = NewBreaker();

        Assert.Equal(BreakerChange.None, breaker.Failed(breaker.TryPass()));
        Assert.Equal(BreakerChange.None, breaker.Failed(breaker.TryPass()));
        Assert.Equal(BreakerChange.Opened, breaker.Failed(breaker.TryPass()));

        Assert.True(breaker.IsOpen);
        Assert.Equal(BreakerPass.Rejected, breaker.TryPass());
    }

    [Fact]
    public void Succeeded_BetweenFailures_StartsTheCountAgain()
    {
        var breaker = NewBreaker();
        breaker.Failed(breaker.TryPass());
        breaker.Failed(breaker.TryPass());

        breaker.Succeeded(breaker.TryPass());
        breaker.Failed(breaker.TryPass());
        breaker.Failed(breaker.TryPass());

        Assert.False(breaker.IsOpen);
        Assert.Equal(BreakerPass.Call, breaker.TryPass());
    }

    [Fact]
    public void TryPass_JustBeforeTheOpenDurationEnds_StillRejects()
    {
        var breaker = OpenBreaker();

        _time.Advance(OpenDuration - TimeSpan.FromTicks(1));

        Assert.Equal(BreakerPass.Rejected, breaker.TryPass());
    }

    [Fact]
    public void TryPass_OnceTheOpenDurationHasPassed_LetsOneTrialThrough()
    {
        var breaker = OpenBreaker();

        _time.Advance(OpenDuration);

        Assert.Equal(BreakerPass.Trial, breaker.TryPass());
        Assert.Equal(BreakerPass.Rejected, breaker.TryPass());
        Assert.True(breaker.IsOpen);
    }

    [Fact]
    public void TryPass_ManyThreadsWhenHalfOpen_LetsExactlyOneTrialThrough()
    {
        var breaker = OpenBreaker();
        _time.Advance(OpenDuration);

        var passes = new BreakerPass[64];
        Parallel.For(0, passes.Length, i => passes[i] = breaker.TryPass());

        Assert.Single(passes, pass => pass == BreakerPass.Trial);
        Assert.Equal(passes.Length - 1, passes.Count(pass => pass == BreakerPass.Rejected));
    }

    [Fact]
    public void Succeeded_Trial_Closes()
    {
        var breaker = OpenBreaker();
        _time.Advance(OpenDuration);

        Assert.Equal(BreakerChange.Closed, breaker.Succeeded(breaker.TryPass()));

        Assert.False(breaker.IsOpen);
        Assert.Equal(BreakerPass.Call, breaker.TryPass());
    }

    [Fact]
    public void Failed_Trial_OpensAgainForTheWholeDuration()
    {
        var breaker = OpenBreaker();
        _time.Advance(OpenDuration);

        Assert.Equal(BreakerChange.Reopened, breaker.Failed(breaker.TryPass()));

        _time.Advance(OpenDuration - TimeSpan.FromTicks(1));
        Assert.Equal(BreakerPass.Rejected, breaker.TryPass());
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(BreakerPass.Trial, breaker.TryPass());
    }

    [Fact]
    public void Abandoned_Trial_LetsTheNextCheckBeTheTrial()
    {
        var breaker = OpenBreaker();
        _time.Advance(OpenDuration);
        var trial = breaker.TryPass();

        breaker.Abandoned(trial);

        Assert.Equal(BreakerPass.Trial, breaker.TryPass());
    }

    [Fact]
    public void Failed_CallsLetThroughBeforeItOpened_DoNotReopenOrExtendIt()
    {
        var breaker = NewBreaker();
        var late = new[] { breaker.TryPass(), breaker.TryPass() };
        OpenNow(breaker);

        _time.Advance(OpenDuration);
        Assert.Equal(BreakerChange.None, breaker.Failed(late[0]));
        Assert.Equal(BreakerChange.None, breaker.Succeeded(late[1]));

        Assert.True(breaker.IsOpen);
        Assert.Equal(BreakerPass.Trial, breaker.TryPass());
    }

    private CircuitBreaker NewBreaker() => new(failuresToOpen: 3, OpenDuration, _time);

    private CircuitBreaker OpenBreaker()
    {
        var breaker = NewBreaker();
        OpenNow(breaker);
        return breaker;
    }

    private static void OpenNow(CircuitBreaker breaker)
    {
        for (var i = 0; i < 3; i++)
        {
            breaker.Failed(breaker.TryPass());
        }

        Assert.True(breaker.IsOpen);
    }
}
