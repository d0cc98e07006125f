using Herald.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Tests.Diagnostics;

public sealed class LogBudgetTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void TryTake_FirstLinesOfAConnection_AreAllowedUpToTheBudget()
    {
        var budget = new LogBudget(_time);

        for (var i = 0; i < LogBudget.LinesPerWindow; i++)
        {
            Assert.True(budget.TryTake(_time.GetTimestamp()), $"line {i + 1}");
        }

        Assert.Equal(0, budget.Suppressed);
    }

    [Fact]
    public void TryTake_OverTheBudgetWithinTheWindow_IsRefusedAndCounted()
    {
        var budget = Spent();

        Assert.False(budget.TryTake(_time.GetTimestamp()));
        _time.Advance(LogBudget.Window - TimeSpan.FromTicks(1));
        Assert.False(budget.TryTake(_time.GetTimestamp()));

        Assert.Equal(2, budget.Suppressed);
    }

    [Fact]
    public void TryTake_OnceTheWindowHasPassed_AllowsAFreshBudget()
    {
        var budget = Spent();
        Assert.False(budget.TryTake(_time.GetTimestamp()));

        _time.Advance(LogBudget.Window);

        for (var i = 0; i < LogBudget.LinesPerWindow; i++)
        {
            Assert.True(budget.TryTake(_time.GetTimestamp()), $"line {i + 1} of the second window");
        }

        Assert.False(budget.TryTake(_time.GetTimestamp()));
        Assert.Equal(2, budget.Suppressed);
    }

    [Fact]
    public void TryTake_WindowStartsAtItsFirstLine_NotAtTheConnectionsStart()
    {
        var budget = new LogBudget(_time);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.True(budget.TryTake(_time.GetTimestamp()));

        // The window began with that line, an hour in: nine more fit in it, and then it is spent for a minute.
        _time.Advance(TimeSpan.FromSeconds(30));
        for (var i = 1; i < LogBudget.LinesPerWindow; i++)
        {
            Assert.True(budget.TryTake(_time.GetTimestamp()));
        }

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(budget.TryTake(_time.GetTimestamp()));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(budget.TryTake(_time.GetTimestamp()));
    }

    [Fact]
    public void TryTake_QuietConnection_NeverRunsOutAtALineAMinute()
    {
        var budget = new LogBudget(_time);

        for (var i = 0; i < 100; i++)
        {
            Assert.True(budget.TryTake(_time.GetTimestamp()), $"line {i + 1}");
            _time.Advance(TimeSpan.FromSeconds(7));
        }

        Assert.Equal(0, budget.Suppressed);
    }

    [Fact]
    public void TakeSuppressed_ReturnsTheCountOnceAndStartsAgainFromZero()
    {
        var budget = Spent();
        for (var i = 0; i < 9_990; i++)
        {
            budget.TryTake(_time.GetTimestamp());
        }

        Assert.Equal(9_990, budget.TakeSuppressed());
        Assert.Equal(0, budget.Suppressed);
        Assert.Equal(0, budget.TakeSuppressed());
        Assert.False(budget.TryTake(_time.GetTimestamp()));
        Assert.Equal(1, budget.TakeSuppressed());
    }

    [Fact]
    public void TryTake_OnTheSystemClock_UsesItsTimestampFrequency()
    {
        var system = TimeProvider.System;
        var budget = new LogBudget(system);
        var start = system.GetTimestamp();
        var windowTicks = (long)(LogBudget.Window.TotalSeconds * system.TimestampFrequency);
        for (var i = 0; i < LogBudget.LinesPerWindow; i++)
        {
            Assert.True(budget.TryTake(start));
        }

        Assert.False(budget.TryTake(start + windowTicks - 1));
        Assert.True(budget.TryTake(start + windowTicks));
    }

    /// <summary>A budget whose first window is used up, at the fake clock's now.</summary>
    private LogBudget Spent()
    {
        var budget = new LogBudget(_time);
        for (var i = 0; i < LogBudget.LinesPerWindow; i++)
        {
            Assert.True(budget.TryTake(_time.GetTimestamp()));
        }

        return budget;
    }
}
