using Herald.Auth;
using Herald.Protocol;
using Herald.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Tests.Auth;

/// <summary>The connect hook against a real backend over HTTP: the request it sends, how it reads each answer, its timeout.</summary>
public sealed class ConnectHookClientTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-02T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly TestLogCollector _logs = new();
    private readonly ILoggerFactory _loggerFactory;

    public ConnectHookClientTests() => _loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(_logs));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CheckHandshakeAsync_BackendAccepts_GivesItsUserTopicsAndExpiry()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, """{"uid":"ada","topics":["orders:*","news"],"expiresAt":"2026-12-02T11:00:00Z"}"""));
        using var hook = NewHook(backend);

        var check = await hook.CheckHandshakeAsync(Handshake(("Cookie", "session=abc")), Cancellation);

        Assert.Equal(LoginVerdict.Accepted, check.Verdict);
        var identity = check.Identity!;
        Assert.Equal(("ada", IdentitySource.ConnectHook), (identity.UserId, identity.Source));
        Assert.Equal(Now.AddHours(1), identity.ExpiresAt);
        Assert.True(identity.Topics!.Allows("orders:eu"));
        Assert.True(identity.Topics.Allows("news"));
        Assert.False(identity.Topics.Allows("newsroom"));
        Assert.Equal(1, hook.Count(ConnectHookCheck.Connect, ConnectHookOutcome.Accepted));
    }

    [Fact]
    public async Task CheckHandshakeAsync_AnyHandshake_PostsTheCookiesAndConfiguredHeadersAsSentAndNothingElse()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, """{"uid":"ada"}"""));
        using var hook = NewHook(backend, o =>
        {
            o.ForwardHeaders.Add("User-Agent");
            o.ForwardHeaders.Add("X-Request-Id");
            o.RequestHeaders["Authorization"] = "Bearer herald-s3cret";
        });

        await hook.CheckHandshakeAsync(
            Handshake(
                ("Cookie", "session=abc; theme=dark"),
                ("Origin", "https://app.example"),
                ("user-agent", "Mozilla/5.0 (X11; Linux x86_64)"),
                ("X-Request-Id", "req-42"),
                ("X-Not-Configured", "leak"),
                ("Authorization", "Bearer client-token")),
            Cancellation);

        var request = Assert.Single(backend.Requests);
        Assert.Equal(("POST", "/connect"), (request.Method, request.Path));
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal("Bearer herald-s3cret", request.Headers["Authorization"]);
        Assert.False(request.Headers.ContainsKey("Cookie"));
        Assert.Equal("connect", request.Json.GetProperty("type").GetString());
        Assert.Equal("203.0.113.7", request.Json.GetProperty("remoteAddress").GetString());
        var forwarded = request.Json.GetProperty("headers").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["Cookie"] = "session=abc; theme=dark",
                ["Origin"] = "https://app.example",
                ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64)",
                ["X-Request-Id"] = "req-42",
            },
            forwarded);
        Assert.DoesNotContain("leak", request.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("client-token", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void ForwardedHeaders_WithConfiguredOthers_AreCookieOriginAndThoseOnce()
    {
        using var hook = new ConnectHookClient(Options(new Uri("http://127.0.0.1:1/connect"), o =>
        {
            o.ForwardHeaders.Add("User-Agent");
            o.ForwardHeaders.Add("cookie");
            o.ForwardHeaders.Add("user-agent");
        }), _time, _loggerFactory);

        Assert.Equal(["Cookie", "Origin", "User-Agent"], hook.ForwardedHeaders);
    }

    [Fact]
    public async Task CheckHandshakeAsync_AnswerWithoutTopicsOrExpiry_GrantsNoTopicAndNeverExpires()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, """{"uid":"ada","topics":null}"""));
        using var hook = NewHook(backend);

        var identity = (await hook.CheckHandshakeAsync(Handshake(), Cancellation)).Identity!;

        Assert.Same(TopicGrants.None, identity.Topics);
        Assert.Null(identity.ExpiresAt);
    }

    [Theory]
    [InlineData("2026-12-02T12:00:00.123456789+01:00", "2026-12-02T11:00:00.1234567Z")]
    [InlineData("2026-12-02t10:00:01z", "2026-12-02T10:00:01Z")]
    [InlineData("2026-12-02T10:30:00.5-00:30", "2026-12-02T11:00:00.5Z")]
    public async Task CheckHandshakeAsync_ExpiryInRfc3339_IsReadWithItsOffset(string written, string expected)
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, $$"""{"uid":"ada","expiresAt":"{{written}}"}"""));
        using var hook = NewHook(backend);

        var identity = (await hook.CheckHandshakeAsync(Handshake(), Cancellation)).Identity!;

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), identity.ExpiresAt);
    }

    [Fact]
    public async Task CheckHandshakeAsync_ExpiryAlreadyPast_RefusesAsExpiredWithoutCountingAFailure()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, """{"uid":"ada","expiresAt":"2026-12-02T10:00:00Z"}"""));
        using var hook = NewHook(backend, o => o.BreakerFailures = 1);

        var check = await hook.CheckHandshakeAsync(Handshake(), Cancellation);

        Assert.Equal((LoginVerdict.Refused, ConnectHookClient.ExpiredReason, 4012), (check.Verdict, check.Reason, check.CloseCode));
        Assert.False(hook.IsBreakerOpen);
    }

    [Fact]
    public async Task CheckHandshakeAsync_BackendRefusesWith403AndAReason_RefusesWithThatReason()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(403, """{"reason":"account suspended","code":17}"""));
        using var hook = NewHook(backend);

        var check = await hook.CheckHandshakeAsync(Handshake(), Cancellation);

        Assert.Equal((LoginVerdict.Refused, "account suspended", 4012), (check.Verdict, check.Reason, check.CloseCode));
        Assert.Equal("the connect hook answered 403 with reason 'account suspended'", check.Detail);
        Assert.Equal(1, hook.Count(ConnectHookCheck.Connect, ConnectHookOutcome.Refused));
        var line = Assert.Single(_logs.Entries, entry => entry.EventName == "ConnectHookRefused");
        Assert.Equal(LogLevel.Debug, line.Level);
        Assert.Contains("203.0.113.7", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHandshakeAsync_BackendRefusesWith401AndAnHtmlPage_RefusesWithTheGenericReason()
    {
        await using var backend = await HookBackend.StartAsync(context =>
        {
            context.Response.StatusCode = 401;
            context.Response.ContentType = "text/html";
            return Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(context.Response, "<html><body>Stack trace: at Secret.Db.Query()</body></html>");
        });
        using var hook = NewHook(backend);

        var check = await hook.CheckHandshakeAsync(Handshake(), Cancellation);

        Assert.Equal((LoginVerdict.Refused, ConnectHookClient.RefusedReason), (check.Verdict, check.Reason));
        Assert.Equal("the connect hook answered 401", check.Detail);
    }

    [Theory]
    [InlineData("line\\r\\nbreak")]
    [InlineData("compte suspendu, désolé")]
    [InlineData("")]
    [InlineData("a reason that is much too long for the close frame of a WebSocket.")]
    public async Task CheckHandshakeAsync_RefusalReasonNotShortPrintableAscii_GivesTheClientTheGenericReason(string reason)
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(403, $$"""{"reason":"{{reason}}"}"""));
        using var hook = NewHook(backend);

        var check = await hook.CheckHandshakeAsync(Handshake(), Cancellation);

        Assert.Equal((LoginVerdict.Refused, ConnectHookClient.RefusedReason), (check.Verdict, check.Reason));
    }

    [Fact]
    public async Task CheckHandshakeAsync_BackendAnswers500_IsUnavailableAndLogsTheStatus()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(500, """{"uid":"ada"}"""));
        using var hook = NewHook(backend);

        var check = await hook.CheckHandshakeAsync(Handshake(), Cancellation);

        Assert.Equal((LoginVerdict.Unavailable, ConnectHookClient.UnavailableReason, 4013), (check.Verdict, check.Reason, check.CloseCode));
        Assert.Equal("the connect hook answered 500", check.Detail);
        Assert.Equal(1, hook.Count(ConnectHookCheck.Connect, ConnectHookOutcome.Error));
        var line = Assert.Single(_logs.Entries, entry => entry.EventName == "ConnectHookFailed");
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Equal("Connect hook failed the connect check of 203.0.113.7 (error): the connect hook answered 500; the check is unavailable (4013)", line.Message);
    }

    [Fact]
    public async Task CheckHandshakeAsync_BackendRedirects_IsUnavailableWithoutFollowing()
    {
        await using var backend = await HookBackend.StartAsync(context =>
        {
            context.Response.StatusCode = 307;
            context.Response.Headers.Location = "/elsewhere";
            return Task.CompletedTask;
        });
        using var hook = NewHook(backend);

        var check = await hook.CheckHandshakeAsync(Handshake(), Cancellation);

        Assert.Equal(LoginVerdict.Unavailable, check.Verdict);
        Assert.Equal("the connect hook answered 307 (redirects are not followed)", check.Detail);
        Assert.Equal(0, backend.CallsTo("/elsewhere"));
    }

    [Fact]
    public async Task CheckHandshakeAsync_BackendSlowerThanTheTimeout_IsUnavailableOnceTheTimeoutPasses()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await HookBackend.StartAsync(HookBackend.Status(200));
        backend.Answer(backend.Slow(arrived, release, HookBackend.Json(200, """{"uid":"ada"}""")));
        using var hook = NewHook(backend, o => o.Timeout = TimeSpan.FromSeconds(2));

        var pending = hook.CheckHandshakeAsync(Handshake(), Cancellation).AsTask();
        await arrived.Task.WaitAsync(Eventually.DefaultTimeout, Cancellation);
        _time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(pending.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        var check = await pending.WaitAsync(Eventually.DefaultTimeout, Cancellation);

        Assert.Equal(LoginVerdict.Unavailable, check.Verdict);
        Assert.Equal("the connect hook did not answer within 00:00:02", check.Detail);
        Assert.Equal(1, hook.Count(ConnectHookCheck.Connect, ConnectHookOutcome.Timeout));
    }

    [Fact]
    public async Task CheckHandshakeAsync_NothingListensAtTheUrl_IsUnavailable()
    {
        using var hook = new ConnectHookClient(Options(new Uri($"http://127.0.0.1:{HeraldProcess.FreePort()}/connect")), _time, _loggerFactory);

        var check = await hook.CheckHandshakeAsync(Handshake(), Cancellation);

        Assert.Equal(LoginVerdict.Unavailable, check.Verdict);
        Assert.StartsWith("the connect hook could not be reached (ConnectionError: ", check.Detail, StringComparison.Ordinal);
        Assert.Equal(1, hook.Count(ConnectHookCheck.Connect, ConnectHookOutcome.Error));
    }

    [Theory]
    [InlineData("not json", "the answer is not the JSON object the contract describes")]
    [InlineData("null", "the answer is null")]
    [InlineData("[\"ada\"]", "the answer is not the JSON object the contract describes")]
    [InlineData("{}", "uid is required and must not be empty")]
    [InlineData("{\"uid\":\"\"}", "uid is required and must not be empty")]
    [InlineData("{\"uid\":42}", "the answer is not the JSON object the contract describes")]
    [InlineData("{\"UID\":\"ada\"}", "the answer is not the JSON object the contract describes")]
    [InlineData("{\"uid\":\"ada\",\"expires_at\":\"2026-12-02T11:00:00Z\"}", "the answer is not the JSON object the contract describes")]
    [InlineData("{\"uid\":\"ada\",\"uid\":\"eve\"}", "the answer is not the JSON object the contract describes")]
    [InlineData("{\"uid\":\"ada\",\"topics\":\"orders\"}", "the answer is not the JSON object the contract describes")]
    [InlineData("{\"uid\":\"ada\",\"topics\":[null]}", "topics must be strings")]
    [InlineData("{\"uid\":\"ada\",\"topics\":[\"orders eu\"]}", "topics grants an unusable topic pattern")]
    [InlineData("{\"uid\":\"ada\",\"topics\":[\"or*ders\"]}", "topics grants an unusable topic pattern")]
    [InlineData("{\"uid\":\"ada\",\"expiresAt\":\"2026-12-02T11:00:00\"}", "expiresAt must be an RFC 3339 time with its offset")]
    [InlineData("{\"uid\":\"ada\",\"expiresAt\":1795000000}", "the answer is not the JSON object the contract describes")]
    [InlineData("{\"uid\":\"ada\",\"expiresAt\":\"2026-02-30T11:00:00Z\"}", "expiresAt must be an RFC 3339 time with its offset")]
    public async Task CheckHandshakeAsync_AnswerNotTheContract_IsUnavailableNamingTheProblem(string answer, string problem)
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, answer));
        using var hook = NewHook(backend);

        var check = await hook.CheckHandshakeAsync(Handshake(), Cancellation);

        Assert.Equal((LoginVerdict.Unavailable, ConnectHookClient.UnavailableReason), (check.Verdict, check.Reason));
        Assert.StartsWith($"the connect hook's answer is unusable: {problem}", check.Detail, StringComparison.Ordinal);
        Assert.Equal(1, hook.Count(ConnectHookCheck.Connect, ConnectHookOutcome.InvalidAnswer));
        Assert.Contains(_logs.Entries, entry => entry.EventName == "ConnectHookFailed" && entry.Message.Contains("(invalid_answer)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckHandshakeAsync_UidLongerThanMaxUserIdLength_IsUnavailable()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, $$"""{"uid":"{{new string('a', 129)}}"}"""));
        using var hook = NewHook(backend);

        var check = await hook.CheckHandshakeAsync(Handshake(), Cancellation);

        Assert.Equal("the connect hook's answer is unusable: uid must be at most 128 characters (was 129)", check.Detail);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CheckHandshakeAsync_AnswerOverTheLimit_IsUnavailableWithoutReadingItAll(bool withLength)
    {
        var huge = $$"""{"uid":"ada","topics":["{{new string('a', 100)}}"{{string.Concat(Enumerable.Repeat($",\"{new string('b', 100)}\"", 10_000))}}]}""";
        await using var backend = await HookBackend.StartAsync(context =>
        {
            context.Response.StatusCode = 200;
            if (withLength)
            {
                context.Response.ContentLength = System.Text.Encoding.UTF8.GetByteCount(huge);
            }

            return Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(context.Response, huge);
        });
        using var hook = NewHook(backend);

        var check = await hook.CheckHandshakeAsync(Handshake(), Cancellation);

        Assert.Equal(LoginVerdict.Unavailable, check.Verdict);
        Assert.Equal("the connect hook's answer is over 65536 bytes", check.Detail);
        Assert.Equal(1, hook.Count(ConnectHookCheck.Connect, ConnectHookOutcome.InvalidAnswer));
    }

    [Fact]
    public async Task CheckHandshakeAsync_CallerGivesUp_ThrowsAndCountsNoOutcome()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await HookBackend.StartAsync(HookBackend.Status(200));
        backend.Answer(backend.Slow(arrived, release, HookBackend.Status(500)));
        using var hook = NewHook(backend, o => o.BreakerFailures = 1);
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);

        var pending = hook.CheckHandshakeAsync(Handshake(), caller.Token).AsTask();
        await arrived.Task.WaitAsync(Eventually.DefaultTimeout, Cancellation);
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Eventually.DefaultTimeout, Cancellation));
        Assert.All(Enum.GetValues<ConnectHookOutcome>(), outcome => Assert.Equal(0, hook.Count(ConnectHookCheck.Connect, outcome)));
        Assert.False(hook.IsBreakerOpen);
    }

    [Fact]
    public async Task CheckSubscribeAsync_BackendAllows_PostsUserAndTopicAndAcceptsTheSameIdentity()
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(200, """{"allowed":true}"""));
        using var hook = NewHook(backend, o => o.SubscribeUrl = backend.SubscribeUrl);
        var identity = new ConnectionIdentity("ada", TopicGrants.None, null, IdentitySource.Token);

        var check = await hook.CheckSubscribeAsync(identity, "orders:eu", Cancellation);

        Assert.Equal(LoginVerdict.Accepted, check.Verdict);
        Assert.Same(identity, check.Identity);
        var request = Assert.Single(backend.Requests);
        Assert.Equal("/subscribe", request.Path);
        Assert.Equal("""{"type":"subscribe","uid":"ada","topic":"orders:eu"}""", request.Body);
        Assert.Equal(1, hook.Count(ConnectHookCheck.Subscribe, ConnectHookOutcome.Accepted));
    }

    [Theory]
    [InlineData(200, """{"allowed":false}""", "topic 'orders:eu' refused by the application")]
    [InlineData(200, """{"allowed":false,"reason":"not your region"}""", "not your region")]
    [InlineData(403, "", "refused by the application")]
    [InlineData(403, """{"reason":"not your region"}""", "not your region")]
    public async Task CheckSubscribeAsync_BackendRefuses_Refuses(int status, string body, string reason)
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(status, body));
        using var hook = NewHook(backend);

        var check = await hook.CheckSubscribeAsync(new ConnectionIdentity("ada", TopicGrants.None, null, IdentitySource.ConnectHook), "orders:eu", Cancellation);

        Assert.Equal((LoginVerdict.Refused, reason), (check.Verdict, check.Reason));
        Assert.Equal(1, hook.Count(ConnectHookCheck.Subscribe, ConnectHookOutcome.Refused));
    }

    [Theory]
    [InlineData(200, "<html>the single-page app</html>")]
    [InlineData(200, "{}")]
    [InlineData(200, """{"allowed":"yes"}""")]
    [InlineData(404, "")]
    public async Task CheckSubscribeAsync_AnswerNotAnAllowed_IsUnavailable(int status, string body)
    {
        await using var backend = await HookBackend.StartAsync(HookBackend.Json(status, body));
        using var hook = NewHook(backend);

        var check = await hook.CheckSubscribeAsync(new ConnectionIdentity("ada", TopicGrants.None, null, IdentitySource.ConnectHook), "orders:eu", Cancellation);

        Assert.Equal((LoginVerdict.Unavailable, ConnectHookClient.UnavailableReason), (check.Verdict, check.Reason));
        Assert.Contains(_logs.Entries, entry => entry.EventName == "ConnectHookFailed" && entry.Message.Contains("subscribe check of user ada, topic orders:eu", StringComparison.Ordinal));
    }

    public void Dispose() => _loggerFactory.Dispose();

    internal static HandshakeCredentials Handshake(params (string Name, string Value)[] headers) =>
        new(null, [.. headers.Select(header => KeyValuePair.Create(header.Name, header.Value))], "203.0.113.7");

    internal static HeraldOptions Options(Uri url, Action<HeraldConnectHookOptions>? configure = null)
    {
        var options = new HeraldOptions();
        options.ConnectHook.Url = url;
        configure?.Invoke(options.ConnectHook);
        return options;
    }

    private ConnectHookClient NewHook(HookBackend backend, Action<HeraldConnectHookOptions>? configure = null) =>
        new(Options(backend.Url, configure), _time, _loggerFactory);
}
