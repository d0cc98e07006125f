using Herald.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Herald.Auth;

/// <summary>
/// Loads the token keys at start and the JWKS again every <see cref="HeraldTokenOptions.JwksRefreshInterval"/>; after
/// a failed load it retries sooner, from <see cref="HeraldTokenOptions.JwksMinRefreshInterval"/> doubling up to the
/// interval. The first JWKS load is awaited at start (before the server listens, bounded by the fetch timeout) but
/// a failure does not stop Herald: an identity provider that is down for a moment must not keep the push server
/// down, and tokens that need its keys are refused as unavailable (4013, which a client retries) until it loads.
/// </summary>
internal sealed partial class TokenKeyRefresher(TokenKeySource keys, HeraldOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory) : IHostedService, IDisposable
{
    // Doubling from the minimum interval reaches an hour's interval in about seven steps; the cap keeps the shift in range.
    private const int MaxBackoffSteps = 20;

    private readonly ILogger _logger = loggerFactory.CreateLogger(LogCategories.Tokens);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _refreshing;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var tokens = options.Tokens;
        if (!tokens.IsConfigured)
        {
            return;
        }

        if (!HeraldTokenOptions.HasText(tokens.Issuer) && tokens.ValidIssuers.Count == 0)
        {
            Log.ChecksMissing(_logger, "issuer", "a token from any issuer signed by one of the keys is accepted; set Herald:Tokens:Issuer");
        }

        if (!HeraldTokenOptions.HasText(tokens.Audience) && tokens.ValidAudiences.Count == 0)
        {
            Log.ChecksMissing(_logger, "audience", "a token the same issuer minted for another application is accepted too; set Herald:Tokens:Audience");
        }

        if (!tokens.RequireExpiration)
        {
            Log.ChecksMissing(_logger, "expiry", "a token without exp is accepted and never expires (Herald:Tokens:RequireExpiration is false)");
        }

        keys.LogConfiguredKeys();
        if (!keys.HasJwks)
        {
            return;
        }

        var loaded = await keys.LoadAsync().WaitAsync(cancellationToken);

        // Started here rather than on the thread pool, so that the first wait is on the clock when StartAsync
        // returns (and a test's fake clock can move past it).
        _refreshing = RefreshAsync(loaded ? 0 : 1, _stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_refreshing is not null)
        {
            await _stopping.CancelAsync();
            await _refreshing.WaitAsync(cancellationToken);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    /// <summary>How long to wait before the next load, after <paramref name="failures"/> failed loads in a row.</summary>
    internal static TimeSpan DelayAfter(HeraldTokenOptions tokens, int failures)
    {
        if (failures == 0)
        {
            return tokens.JwksRefreshInterval;
        }

        var backoff = tokens.JwksMinRefreshInterval * (1L << Math.Min(failures - 1, MaxBackoffSteps));
        return backoff < tokens.JwksRefreshInterval ? backoff : tokens.JwksRefreshInterval;
    }

    private async Task RefreshAsync(int failures, CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                await Task.Delay(DelayAfter(options.Tokens, failures), timeProvider, stopping);
                failures = await keys.LoadAsync().WaitAsync(stopping) ? 0 : failures + 1;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped: the host is shutting down.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.TokenChecksMissing, EventName = nameof(EventIds.TokenChecksMissing), Level = LogLevel.Warning,
            Message = "Tokens are accepted without checking their {Check}: {Consequence}")]
        public static partial void ChecksMissing(ILogger logger, string check, string consequence);
    }
}
