using System.Net;
using System.Threading.RateLimiting;
using Herald.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Herald.Auth;

/// <summary>
/// The log lines of HTTP API access (category <see cref="LogCategories.ApiAccess"/>). Refusals are logged at most
/// <see cref="LinesPerMinute"/> a minute per caller (<see cref="ApiCaller.Partition"/>): a backend retrying with a
/// revoked key, or far over its rate, must not flood the log; the <c>herald.api.requests.refused</c> metric counts
/// every refusal. A presented key is never logged, only the name of the configured key it matched.
/// </summary>
internal sealed partial class ApiAccessLog : IDisposable
{
    /// <summary>The most refusal lines one caller gets in a minute.</summary>
    public const int LinesPerMinute = 10;

    private readonly ILogger _logger;
    private readonly PartitionedRateLimiter<string> _budget;

    public ApiAccessLog(ILoggerFactory loggerFactory)
    {
        _logger = loggerFactory.CreateLogger(LogCategories.ApiAccess);
        var window = new FixedWindowRateLimiterOptions { PermitLimit = LinesPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = false };
        Func<string, RateLimiter> factory = _ => new FixedWindowRateLimiter(window);
        _budget = PartitionedRateLimiter.Create<string, string>(partition => new RateLimitPartition<string>(partition, factory));
    }

    /// <summary>A request let in: by its key, or (<paramref name="caller"/> null) as a loopback caller while no key is configured.</summary>
    public void Accepted(HttpContext context, ApiCaller? caller)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            var who = caller?.Description ?? LoopbackCaller(ApiCaller.AddressOf(context));
            Log.RequestAccepted(_logger, context.Request.Method, PathOf(context), who);
        }
    }

    /// <summary>A request let in as a loopback caller while no key is configured, before ASP.NET Core (<c>Api/DirectSendEndpoint</c>).</summary>
    public void AcceptedLoopback(string method, string path, IPAddress? address)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.RequestAccepted(_logger, method, path, LoopbackCaller(ApiCaller.AddressOf(address)));
        }
    }

    public void KeyRefused(HttpContext context, ApiCaller caller, string reason)
    {
        if (Allows(LogLevel.Information, caller))
        {
            Log.KeyRefused(_logger, context.Request.Method, PathOf(context), caller.Description, reason);
        }
    }

    public void ScopeRefused(HttpContext context, ApiCaller caller, ApiKey key)
    {
        if (Allows(LogLevel.Information, caller))
        {
            Log.ScopeRefused(_logger, context.Request.Method, PathOf(context), key.Name, key.Scope);
        }
    }

    public void NotLoopback(HttpContext context, ApiCaller caller)
    {
        if (Allows(LogLevel.Information, caller))
        {
            Log.CallerNotLoopback(_logger, context.Request.Method, PathOf(context), caller.Description);
        }
    }

    public void RateLimited(HttpContext context, ApiCaller caller, int retryAfterSeconds)
    {
        if (Allows(LogLevel.Information, caller))
        {
            Log.RateLimited(_logger, context.Request.Method, PathOf(context), caller.Description, retryAfterSeconds);
        }
    }

    public void Dispose() => _budget.Dispose();

    private static string LoopbackCaller(string address) => $"{address} (loopback, no API key configured)";

    private static string PathOf(HttpContext context) => LogText.Escape(context.Request.PathBase.Add(context.Request.Path).Value ?? string.Empty);

    /// <summary>Whether the line is logged: its level is on (a line that is off takes nothing from the budget), and the caller has budget left.</summary>
    private bool Allows(LogLevel level, ApiCaller caller)
    {
        if (!_logger.IsEnabled(level))
        {
            return false;
        }

        using var lease = _budget.AttemptAcquire(caller.Partition);
        return lease.IsAcquired;
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.ApiRequestAccepted, LogLevel.Debug, "API request {Method} {Path} accepted for {Caller}", EventName = "ApiRequestAccepted")]
        public static partial void RequestAccepted(ILogger logger, string method, string path, string caller);

        [LoggerMessage(EventIds.ApiKeyRefused, LogLevel.Information, "API request {Method} {Path} from {Caller} refused with 401: {Reason}", EventName = "ApiKeyRefused")]
        public static partial void KeyRefused(ILogger logger, string method, string path, string caller, string reason);

        [LoggerMessage(EventIds.ApiScopeRefused, LogLevel.Information, "API request {Method} {Path} refused with 403: key '{KeyName}' has the scope {Scope}, which does not allow it", EventName = "ApiScopeRefused")]
        public static partial void ScopeRefused(ILogger logger, string method, string path, string keyName, ApiScope scope);

        [LoggerMessage(EventIds.ApiCallerNotLoopback, LogLevel.Information, "API request {Method} {Path} from {Caller} refused with 403: no API key is configured, and without one only loopback callers may use the HTTP API", EventName = "ApiCallerNotLoopback")]
        public static partial void CallerNotLoopback(ILogger logger, string method, string path, string caller);

        [LoggerMessage(EventIds.ApiRateLimited, LogLevel.Information, "API request {Method} {Path} from {Caller} refused with 429: over its rate limit, retry after {RetryAfterSeconds} s", EventName = "ApiRateLimited")]
        public static partial void RateLimited(ILogger logger, string method, string path, string caller, int retryAfterSeconds);
    }
}
