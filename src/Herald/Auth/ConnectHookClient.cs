using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Herald.Diagnostics;
using Herald.Protocol;
using Microsoft.Extensions.Logging;

namespace Herald.Auth;

/// <summary>
/// Asks the application's backend who a WebSocket's upgrade is, from its cookies and forwarded headers, and whether
/// a user may subscribe to a topic: one POST of JSON per check (docs/security.md, "Who is who: the connect hook"),
/// bounded by the hook's timeout, behind a <see cref="CircuitBreaker"/>. A refusal is <see cref="LoginVerdict.Refused"/>
/// (4012); anything that keeps the backend from answering usably is <see cref="LoginVerdict.Unavailable"/> (4013),
/// logged with what went wrong and counted by the breaker.
/// </summary>
internal sealed partial class ConnectHookClient : IDisposable
{
    /// <summary>The largest answer read; a larger one is unusable. An answer names a user and some topic patterns.</summary>
    public const int MaxAnswerBytes = 64 * 1024;

    /// <summary>The longest refusal reason of the backend's that is passed on to the client.</summary>
    public const int MaxReasonLength = 64;

    public const string RefusedReason = "refused by the application";
    public const string ExpiredReason = "the session has expired";
    public const string UnavailableReason = "authentication is unavailable, try again later";

    // Connections are reused, but not for ever, so that a backend's DNS change is seen within minutes.
    private static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(2);

    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly Uri _subscribeUrl;
    private readonly TimeSpan _timeout;
    private readonly int _maxUserIdLength;
    private readonly Dictionary<string, string> _forwarded;
    private readonly CircuitBreaker _breaker;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly long[] _counts = new long[Enum.GetValues<ConnectHookCheck>().Length * Enum.GetValues<ConnectHookOutcome>().Length];

    public ConnectHookClient(HeraldOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        var hook = options.ConnectHook;
        _url = hook.Url ?? throw new ArgumentException("The connect hook has no URL.", nameof(options));
        _subscribeUrl = hook.SubscribeUrl ?? _url;
        _timeout = hook.Timeout;
        _maxUserIdLength = options.MaxUserIdLength;
        _breaker = new CircuitBreaker(hook.BreakerFailures, hook.BreakerDuration, timeProvider);
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger(LogCategories.ConnectHook);

        // Each forwarded name keyed by itself ignoring case, to the spelling the backend gets.
        _forwarded = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Cookie"] = "Cookie", ["Origin"] = "Origin" };
        foreach (var name in hook.ForwardHeaders)
        {
            _forwarded.TryAdd(name, name);
        }

        ForwardedHeaders = [.. _forwarded.Values];

        // No redirects: a POST turned into a GET elsewhere is not an answer. No cookies, and no proxy from the
        // environment: the client's cookies go where the operator configured, nowhere else.
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            PooledConnectionLifetime = PooledConnectionLifetime,
        };
        _http = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        foreach (var (name, value) in hook.RequestHeaders)
        {
            _http.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
        }

        if (!_http.DefaultRequestHeaders.Contains("Accept"))
        {
            _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        }
    }

    /// <summary>The upgrade headers the hook is given: <c>Cookie</c>, <c>Origin</c> and the configured others, as configured.</summary>
    public IReadOnlyList<string> ForwardedHeaders { get; }

    /// <summary>Whether the circuit breaker turns checks away (open or half-open).</summary>
    public bool IsBreakerOpen => _breaker.IsOpen;

    /// <summary>How many checks of this kind ended this way since start.</summary>
    public long Count(ConnectHookCheck check, ConnectHookOutcome outcome) => Interlocked.Read(ref _counts[Index(check, outcome)]);

    public async ValueTask<LoginCheck> CheckHandshakeAsync(HandshakeCredentials handshake, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in handshake.Headers)
        {
            if (_forwarded.TryGetValue(name, out var configured))
            {
                headers[configured] = value;
            }
        }

        var request = new ConnectHookRequest(Name(ConnectHookCheck.Connect), headers, handshake.RemoteAddress);
        var body = JsonSerializer.SerializeToUtf8Bytes(request, ConnectHookJsonContext.Default.ConnectHookRequest);
        return await CallAsync(ConnectHookCheck.Connect, _url, body, handshake.RemoteAddress, ReadConnectAnswer, cancellationToken);
    }

    public async ValueTask<LoginCheck> CheckSubscribeAsync(ConnectionIdentity identity, string topic, CancellationToken cancellationToken)
    {
        var request = new SubscribeHookRequest(Name(ConnectHookCheck.Subscribe), identity.UserId, topic);
        var body = JsonSerializer.SerializeToUtf8Bytes(request, ConnectHookJsonContext.Default.SubscribeHookRequest);
        return await CallAsync(
            ConnectHookCheck.Subscribe, _subscribeUrl, body, $"user {identity.UserId}, topic {topic}",
            answer => ReadSubscribeAnswer(answer, identity, topic), cancellationToken);
    }

    /// <summary>The check's name in the request's <c>type</c>, the log and the metric's <c>check</c>.</summary>
    public static string Name(ConnectHookCheck check) => check switch
    {
        ConnectHookCheck.Connect => "connect",
        _ => "subscribe",
    };

    /// <summary>The outcome's name in the log and the metric's <c>outcome</c>.</summary>
    public static string Name(ConnectHookOutcome outcome) => outcome switch
    {
        ConnectHookOutcome.Accepted => "accepted",
        ConnectHookOutcome.Refused => "refused",
        ConnectHookOutcome.Error => "error",
        ConnectHookOutcome.Timeout => "timeout",
        ConnectHookOutcome.InvalidAnswer => "invalid_answer",
        _ => "breaker_open",
    };

    public void Dispose() => _http.Dispose();

    private static int Index(ConnectHookCheck check, ConnectHookOutcome outcome) =>
        ((int)check * Enum.GetValues<ConnectHookOutcome>().Length) + (int)outcome;

    private async Task<LoginCheck> CallAsync(
        ConnectHookCheck check, Uri url, byte[] body, string subject, Func<byte[], Result> readAnswer, CancellationToken cancellationToken)
    {
        var pass = _breaker.TryPass();
        if (pass == BreakerPass.Rejected)
        {
            Interlocked.Increment(ref _counts[Index(check, ConnectHookOutcome.BreakerOpen)]);
            Log.ShortCircuited(_logger, Name(check), LogText.Escape(subject));
            return LoginCheck.Refuse(LoginVerdict.Unavailable, UnavailableReason, "the connect hook's circuit breaker is open");
        }

        if (pass == BreakerPass.Trial)
        {
            Log.BreakerHalfOpen(_logger, _breaker.OpenDuration, Name(check));
        }

        Result result;
        try
        {
            result = await SendAsync(url, body, readAnswer, cancellationToken);
        }
        catch
        {
            // The caller went away (the only exception SendAsync lets out, bugs aside): that says nothing of the
            // backend, and a trial must never stay taken, or the breaker would turn every check away for good.
            _breaker.Abandoned(pass);
            throw;
        }

        Interlocked.Increment(ref _counts[Index(check, result.Outcome)]);
        var failed = result.Outcome is not (ConnectHookOutcome.Accepted or ConnectHookOutcome.Refused);
        var detail = LogText.Escape(result.Check.Detail ?? string.Empty);
        if (failed)
        {
            Log.Failed(_logger, Name(check), LogText.Escape(subject), Name(result.Outcome), detail);
        }
        else if (result.Outcome == ConnectHookOutcome.Refused)
        {
            Log.Refused(_logger, Name(check), LogText.Escape(subject), detail);
        }
        else
        {
            Log.Accepted(_logger, Name(check), LogText.Escape(subject), LogText.Escape(result.Check.Identity!.UserId));
        }

        switch (failed ? _breaker.Failed(pass) : _breaker.Succeeded(pass))
        {
            case BreakerChange.Opened:
                Log.BreakerOpened(_logger, $"{_breaker.FailuresToOpen} failed calls in a row", _breaker.OpenDuration);
                break;
            case BreakerChange.Reopened:
                Log.BreakerOpened(_logger, "the trial call failed", _breaker.OpenDuration);
                break;
            case BreakerChange.Closed:
                Log.BreakerClosed(_logger);
                break;
        }

        return result.Check;
    }

    private async Task<Result> SendAsync(Uri url, byte[] body, Func<byte[], Result> readAnswer, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json", "utf-8");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                var refusal = await ReadBoundedAsync(response.Content, linked.Token);
                var reason = refusal is null ? null : RefusalReason(refusal);
                return Refused(reason ?? RefusedReason, $"the connect hook answered {status}{ReasonDetail(reason)}");
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                var redirect = status is >= 300 and < 400 ? " (redirects are not followed)" : string.Empty;
                return Failure(ConnectHookOutcome.Error, $"the connect hook answered {status}{redirect}");
            }

            var answer = await ReadBoundedAsync(response.Content, linked.Token);
            return answer is null
                ? Failure(ConnectHookOutcome.InvalidAnswer, $"the connect hook's answer is over {MaxAnswerBytes} bytes")
                : readAnswer(answer);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Failure(ConnectHookOutcome.Timeout, $"the connect hook did not answer within {_timeout:c}");
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            var kind = exception is HttpRequestException { HttpRequestError: var error } ? error.ToString() : exception.GetType().Name;
            return Failure(ConnectHookOutcome.Error, $"the connect hook could not be reached ({kind}: {exception.Message})");
        }
    }

    private Result ReadConnectAnswer(byte[] json)
    {
        if (Deserialize(json, ConnectHookJsonContext.Default.ConnectHookAnswer, out var problem) is not { } answer)
        {
            return Unusable(problem);
        }

        if (UserIdRules.Validate(answer.Uid, _maxUserIdLength) is { } invalidUid)
        {
            return Unusable(invalidUid);
        }

        TopicGrants? topics = TopicGrants.None;
        if (answer.Topics is { } entries)
        {
            if (Array.IndexOf(entries, null) >= 0)
            {
                return Unusable("topics must be strings");
            }

            topics = TopicGrants.Parse(entries!, out var invalidTopics);
            if (topics is null)
            {
                return Unusable($"topics {invalidTopics}");
            }
        }

        DateTimeOffset? expiresAt = null;
        if (answer.ExpiresAt is { } text)
        {
            if (!TryParseRfc3339(text, out var parsed))
            {
                return Unusable($"expiresAt must be an RFC 3339 time with its offset, such as 2026-12-02T10:00:00Z (was '{text}')");
            }

            if (parsed <= _timeProvider.GetUtcNow())
            {
                return Refused(ExpiredReason, $"the connect hook accepted user {answer.Uid} with expiresAt {text}, which has passed");
            }

            expiresAt = parsed;
        }

        var identity = new ConnectionIdentity(answer.Uid!, topics, expiresAt, IdentitySource.ConnectHook);
        return new Result(ConnectHookOutcome.Accepted, LoginCheck.Accept(identity));
    }

    private static Result ReadSubscribeAnswer(byte[] json, ConnectionIdentity identity, string topic)
    {
        if (Deserialize(json, ConnectHookJsonContext.Default.SubscribeHookAnswer, out var problem) is not { } answer)
        {
            return Unusable(problem);
        }

        if (answer.Allowed is not { } allowed)
        {
            return Unusable("allowed (true or false) is required");
        }

        if (allowed)
        {
            return new Result(ConnectHookOutcome.Accepted, LoginCheck.Accept(identity));
        }

        var reason = answer.Reason is null ? null : SafeReason(answer.Reason);
        return Refused(reason ?? $"topic '{topic}' refused by the application", $"the connect hook answered allowed: false{ReasonDetail(reason)}");
    }

    private static T? Deserialize<T>(byte[] json, JsonTypeInfo<T> type, out string problem)
        where T : class
    {
        try
        {
            problem = "the answer is null";
            return JsonSerializer.Deserialize(json, type);
        }
        catch (JsonException exception)
        {
            problem = $"the answer is not the JSON object the contract describes: {exception.Message}";
            return null;
        }
    }

    /// <returns>The answer, or null when it is longer than <see cref="MaxAnswerBytes"/>.</returns>
    private static async Task<byte[]?> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxAnswerBytes)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(MaxAnswerBytes + 1);
        try
        {
            await using var stream = await content.ReadAsStreamAsync(cancellationToken);
            var length = 0;
            int read;
            while (length <= MaxAnswerBytes && (read = await stream.ReadAsync(buffer.AsMemory(length, MaxAnswerBytes + 1 - length), cancellationToken)) > 0)
            {
                length += read;
            }

            return length > MaxAnswerBytes ? null : buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string? RefusalReason(ReadOnlySpan<byte> body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, ConnectHookJsonContext.Default.ConnectHookRefusal)?.Reason is { } reason ? SafeReason(reason) : null;
        }
        catch (JsonException)
        {
            // A framework's own 403 page: a refusal all the same, without a reason for the client.
            return null;
        }
    }

    /// <summary>The backend's reason when it is fit for the client's close frame as it is: short, printable ASCII.</summary>
    private static string? SafeReason(string reason) =>
        reason.Length is > 0 and <= MaxReasonLength && !reason.AsSpan().ContainsAnyExceptInRange(' ', '~') ? reason : null;

    private static string ReasonDetail(string? reason) => reason is null ? string.Empty : $" with reason '{reason}'";

    private static bool TryParseRfc3339(string text, out DateTimeOffset value)
    {
        value = default;
        var match = Rfc3339().Match(text);
        if (!match.Success)
        {
            return false;
        }

        // DateTimeOffset reads up to 7 fraction digits; Go, for one, writes 9.
        var fraction = match.Groups["fraction"];
        var usable = fraction.Length > 8 ? text.Remove(fraction.Index + 8, fraction.Length - 8) : text;
        return DateTimeOffset.TryParse(usable.ToUpperInvariant(), CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    private static Result Refused(string reason, string detail) =>
        new(ConnectHookOutcome.Refused, LoginCheck.Refuse(LoginVerdict.Refused, reason, detail));

    private static Result Unusable(string problem) =>
        Failure(ConnectHookOutcome.InvalidAnswer, $"the connect hook's answer is unusable: {problem}");

    private static Result Failure(ConnectHookOutcome outcome, string detail) =>
        new(outcome, LoginCheck.Refuse(LoginVerdict.Unavailable, UnavailableReason, detail));

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?<fraction>\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    /// <summary>One call's outcome, and the check it answers.</summary>
    private readonly record struct Result(ConnectHookOutcome Outcome, LoginCheck Check);
}
