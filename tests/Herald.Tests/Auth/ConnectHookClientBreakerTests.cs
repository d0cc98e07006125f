using Herald.Auth;
using Herald.Protocol;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Tests.Auth;

/// <summary>The connect hook's circuit breaker against a real backend: how many calls reach it, on a fake clock.</summary>
public sealed class ConnectHookClientBreakerTests : IDisposable
{
    private static readonly TimeSpan BreakerDuration = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new();
    private readonly TestLogCollector _logs = new();
    private readonly ILoggerFactory _loggerFactory;

    public ConnectHookClientBreakerTests() => _loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(_logs));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CheckHandshakeAsync_FailuresInARowReachTheLimit_OpensAndCallsTheBackendNoMore()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Status(503));
        using var hook = NewHook(backend);

        await FailThreeTimesAsync(hook);
        var checks = new List<LoginCheck>();
        for (var i = 0; i < 5; i++)
        {
            checks.Add(await hook.CheckHandshakeAsync(ConnectHookClientTests.Handshake(), Cancellation));
        }

        Assert.Equal(3, backend.CallsTo("/connect"));
        Assert.All(checks, check => Assert.Equal((LoginVerdict.Unavailable, 4013, "the connect hook's circuit breaker is open"), (check.Verdict, check.CloseCode, check.Detail)));
        Assert.True(hook.IsBreakerOpen);
        Assert.Equal(3, hook.Count(ConnectHookCheck.Connect, ConnectHookOutcome.Error));
        Assert.Equal(5, hook.Count(ConnectHookCheck.Connect, ConnectHookOutcome.BreakerOpen));
        var opened = Assert.Single(_logs.Entries, entry => entry.EventName == "ConnectHookBreakerOpened");
        Assert.Equal(LogLevel.Warning, opened.Level);
        Assert.Equal("Connect hook circuit breaker opened (3 failed calls in a row): the hook is not called for 00:00:10, every check is unavailable (4013)", opened.Message);
        Assert.Equal(5, _logs.Entries.Count(entry => entry.EventName == "ConnectHookShortCircuited"));
    }

    [Fact]
    public async Task CheckSubscribeAsync_WhileTheBreakerIsOpen_IsUnavailableWithoutACall()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Status(500));
        using var hook = NewHook(backend);
        await FailThreeTimesAsync(hook);
        backend.Answer(HookBackend.Json(200, """{"allowed":true}"""));

        var check = await hook.CheckSubscribeAsync(new ConnectionIdentity("ada", TopicGrants.None, null, IdentitySource.ConnectHook), "orders", Cancellation);

        Assert.Equal(LoginVerdict.Unavailable, check.Verdict);
        Assert.Equal(3, backend.Requests.Count);
        Assert.Equal(1, hook.Count(ConnectHookCheck.Subscribe, ConnectHookOutcome.BreakerOpen));
    }

    [Fact]
    public async Task CheckHandshakeAsync_OnceTheBreakerDurationHasPassed_OneTrialThatSucceedsClosesIt()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Status(500));
        using var hook = NewHook(backend);
        await FailThreeTimesAsync(hook);
        backend.Answer(HookBackend.Json(200, """{"uid":"ada"}"""));

        _time.Advance(BreakerDuration - TimeSpan.FromMilliseconds(1));
        var early = await hook.CheckHandshakeAsync(ConnectHookClientTests.Handshake(), Cancellation);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var trial = await hook.CheckHandshakeAsync(ConnectHookClientTests.Handshake(), Cancellation);
        var after = await hook.CheckHandshakeAsync(ConnectHookClientTests.Handshake(), Cancellation);

        Assert.Equal((LoginVerdict.Unavailable, LoginVerdict.Accepted, LoginVerdict.Accepted), (early.Verdict, trial.Verdict, after.Verdict));
        Assert.Equal(5, backend.CallsTo("/connect"));
        Assert.False(hook.IsBreakerOpen);
        Assert.Equal(
            ["ConnectHookBreakerOpened", "ConnectHookBreakerHalfOpen", "ConnectHookBreakerClosed"],
            _logs.Entries.Where(entry => entry.EventName!.StartsWith("ConnectHookBreaker", StringComparison.Ordinal)).Select(entry => entry.EventName));
    }

    [Fact]
    public async Task CheckHandshakeAsync_TrialFails_OpensAgainForTheWholeDuration()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, "garbage"));
        using var hook = NewHook(backend);
        await FailThreeTimesAsync(hook);

        _time.Advance(BreakerDuration);
        var trial = await hook.CheckHandshakeAsync(ConnectHookClientTests.Handshake(), Cancellation);
        _time.Advance(BreakerDuration - TimeSpan.FromMilliseconds(1));
        var stillOpen = await hook.CheckHandshakeAsync(ConnectHookClientTests.Handshake(), Cancellation);

        Assert.Equal((LoginVerdict.Unavailable, LoginVerdict.Unavailable), (trial.Verdict, stillOpen.Verdict));
        Assert.Equal(4, backend.CallsTo("/connect"));
        Assert.Equal("the connect hook's circuit breaker is open", stillOpen.Detail);
        Assert.Contains(_logs.Entries, entry => entry.Message.StartsWith("Connect hook circuit breaker opened (the trial call failed)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckHandshakeAsync_WhileTheTrialIsUnderway_OtherChecksAreUnavailableAtOnce()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Status(500));
        using var hook = NewHook(backend);
        await FailThreeTimesAsync(hook);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        backend.Answer(backend.Slow(arrived, release, HookBackend.Json(200, """{"uid":"ada"}""")));
        _time.Advance(BreakerDuration);

        var trial = hook.CheckHandshakeAsync(ConnectHookClientTests.Handshake(), Cancellation).AsTask();
        await arrived.Task.WaitAsync(Eventually.DefaultTimeout, Cancellation);
        var meanwhile = await hook.CheckHandshakeAsync(ConnectHookClientTests.Handshake(), Cancellation);
        release.SetResult();

        Assert.Equal(LoginVerdict.Unavailable, meanwhile.Verdict);
        Assert.Equal(LoginVerdict.Accepted, (await trial.WaitAsync(Eventually.DefaultTimeout, Cancellation)).Verdict);
        Assert.Equal(4, backend.CallsTo("/connect"));
    }

    [Fact]
    public async Task CheckHandshakeAsync_TrialAbandonedByItsCaller_LetsTheNextCheckBeTheTrial()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Status(500));
        using var hook = NewHook(backend);
        await FailThreeTimesAsync(hook);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        backend.Answer(backend.Slow(arrived, release, HookBackend.Status(500)));
        _time.Advance(BreakerDuration);
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);

        var abandoned = hook.CheckHandshakeAsync(ConnectHookClientTests.Handshake(), caller.Token).AsTask();
        await arrived.Task.WaitAsync(Eventually.DefaultTimeout, Cancellation);
        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned.WaitAsync(Eventually.DefaultTimeout, Cancellation));
        backend.Answer(HookBackend.Json(200, """{"uid":"ada"}"""));
        var next = await hook.CheckHandshakeAsync(ConnectHookClientTests.Handshake(), Cancellation);

        Assert.Equal(LoginVerdict.Accepted, next.Verdict);
        Assert.False(hook.IsBreakerOpen);
    }

    [Fact]
    public async Task CheckHandshakeAsync_RefusalsInARow_DoNotOpenTheBreaker()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Status(403));
        using var hook = NewHook(backend);

        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(LoginVerdict.Refused, (await hook.CheckHandshakeAsync(ConnectHookClientTests.Handshake(), Cancellation)).Verdict);
        }

        Assert.Equal(6, backend.CallsTo("/connect"));
        Assert.False(hook.IsBreakerOpen);
    }

    [Fact]
    public async Task CheckHandshakeAsync_TimeoutsInARow_OpenTheBreaker()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Status(200));
        using var hook = NewHook(backend);

        for (var i = 0; i < 3; i++)
        {
            var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            backend.Answer(backend.Slow(arrived, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), HookBackend.Status(200)));
            var pending = hook.CheckHandshakeAsync(ConnectHookClientTests.Handshake(), Cancellation).AsTask();
            await arrived.Task.WaitAsync(Eventually.DefaultTimeout, Cancellation);
            _time.Advance(HeraldConnectHookOptions.DefaultTimeout);
            Assert.Equal(LoginVerdict.Unavailable, (await pending.WaitAsync(Eventually.DefaultTimeout, Cancellation)).Verdict);
        }

        Assert.True(hook.IsBreakerOpen);
        Assert.Equal(3, hook.Count(ConnectHookCheck.Connect, ConnectHookOutcome.Timeout));
    }

    public void Dispose() => _loggerFactory.Dispose();

    private ConnectHookClient NewHook(HookBackend backend) =>
        new(ConnectHookClientTests.Options(backend.Url, o => (o.BreakerFailures, o.BreakerDuration) = (3, BreakerDuration)), _time, _loggerFactory);

    private static async Task FailThreeTimesAsync(ConnectHookClient hook)
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(LoginVerdict.Unavailable, (await hook.CheckHandshakeAsync(ConnectHookClientTests.Handshake(), Cancellation)).Verdict);
        }

        Assert.True(hook.IsBreakerOpen);
    }
}
