using Herald.Auth;
using Microsoft.Extensions.Options;

namespace Herald.Hosting;

/// <summary>Checks <see cref="HeraldOptions"/> at start, naming the key and the accepted range in each failure.</summary>
internal sealed partial class HeraldOptionsValidator : IValidateOptions<HeraldOptions>
{
    // No Herald timeout is sensibly longer; a larger value is almost always "10" read as ten days.
    private static readonly TimeSpan MaxDuration = TimeSpan.FromHours(1);

    // Retention may sensibly reach a day (a user away overnight); memory is bounded by the byte and count limits.
    private static readonly TimeSpan MaxRetention = TimeSpan.FromDays(1);

    // A login frame with the longest uid must fit in a client message, with room for the JSON around it.
    private const int LoginFrameOverhead = 16;

    public ValidateOptionsResult Validate(string? name, HeraldOptions options)
    {
        var failures = new List<string>();

        RequireRange(failures, nameof(HeraldOptions.MaxUserIdLength), options.MaxUserIdLength, 1, 4096);
        RequireRange(failures, nameof(HeraldOptions.MaxClientMessageBytes), options.MaxClientMessageBytes, 64, 16 * 1024 * 1024);
        RequireRange(failures, nameof(HeraldOptions.MaxMessageBytes), options.MaxMessageBytes, 1, 16 * 1024 * 1024);
        RequireRange(failures, nameof(HeraldOptions.MaxQueuedMessages), options.MaxQueuedMessages, 1, 1_000_000);
        RequireRange(failures, nameof(HeraldOptions.MaxQueuedBytes), options.MaxQueuedBytes, 1, int.MaxValue);

        // Worst case a uid character is 6 bytes of escaped JSON.
        var longestLogin = (options.MaxUserIdLength * 6) + LoginFrameOverhead;
        if (options.MaxClientMessageBytes < longestLogin && options.MaxUserIdLength <= 4096)
        {
            failures.Add($"Herald:MaxClientMessageBytes ({options.MaxClientMessageBytes}) must be at least {longestLogin} so that a login with the longest uid (Herald:MaxUserIdLength = {options.MaxUserIdLength}) fits.");
        }

        if (options.MaxQueuedBytes < options.MaxMessageBytes)
        {
            failures.Add($"Herald:MaxQueuedBytes ({options.MaxQueuedBytes}) must be at least Herald:MaxMessageBytes ({options.MaxMessageBytes}), or no connection could take the largest message.");
        }

        RequireDuration(failures, nameof(HeraldOptions.LoginTimeout), options.LoginTimeout, allowZero: false);
        RequireDuration(failures, nameof(HeraldOptions.CloseTimeout), options.CloseTimeout, allowZero: false);
        RequireDuration(failures, nameof(HeraldOptions.ShutdownTimeout), options.ShutdownTimeout, allowZero: false);
        RequireDuration(failures, nameof(HeraldOptions.KeepAliveInterval), options.KeepAliveInterval, allowZero: true);
        RequireDuration(failures, nameof(HeraldOptions.KeepAliveTimeout), options.KeepAliveTimeout, allowZero: true);

        RequireRange(failures, nameof(HeraldOptions.HistoryMaxMessages), options.HistoryMaxMessages, 1, 1_000_000);
        RequireDuration(failures, nameof(HeraldOptions.HistoryMaxAge), options.HistoryMaxAge, allowZero: false, MaxRetention);
        RequireRange(failures, nameof(HeraldOptions.HistoryMaxBytes), options.HistoryMaxBytes, 1024 * 1024, long.MaxValue);
        if (options.HistoryMaxBytes < 4L * options.MaxMessageBytes)
        {
            failures.Add($"Herald:HistoryMaxBytes ({options.HistoryMaxBytes}) must be at least 4 × Herald:MaxMessageBytes ({4L * options.MaxMessageBytes}), so that the history holds more than one of the largest messages.");
        }

        RequireDuration(failures, nameof(HeraldOptions.IdempotencyWindow), options.IdempotencyWindow, allowZero: false, MaxRetention);
        RequireRange(failures, nameof(HeraldOptions.MaxIdempotencyKeys), options.MaxIdempotencyKeys, 1, 10_000_000);
        RequireRange(failures, nameof(HeraldOptions.MaxIdempotencyBytes), options.MaxIdempotencyBytes, 1024 * 1024, long.MaxValue);
        RequireRange(failures, nameof(HeraldOptions.MaxConnectionsPerUser), options.MaxConnectionsPerUser, 1, 1_000_000);
        RequireRange(failures, nameof(HeraldOptions.MaxConnectionsPerIp), options.MaxConnectionsPerIp, 0, 1_000_000);
        RequireRange(failures, nameof(HeraldOptions.MaxPendingLogins), options.MaxPendingLogins, 1, 1_000_000);
        RequireRange(failures, nameof(HeraldOptions.ClientMessagesPerSecond), options.ClientMessagesPerSecond, 0, 100_000);
        RequireRange(failures, nameof(HeraldOptions.ClientMessageBurst), options.ClientMessageBurst, 1, 1_000_000);
        RequireRange(failures, nameof(HeraldOptions.MaxTopicsPerConnection), options.MaxTopicsPerConnection, 1, 10_000);
        RequireRange(failures, nameof(HeraldOptions.MaxPublishTargets), options.MaxPublishTargets, 1, 100_000);
        RequireRange(failures, nameof(HeraldOptions.MaxBatchMessages), options.MaxBatchMessages, 1, 100_000);
        RequireRange(failures, nameof(HeraldOptions.MaxBatchBytes), options.MaxBatchBytes, 64 * 1024, int.MaxValue);
        ValidateConnectHook(failures, options);
        ValidateForwardedHeaders(failures, options);

        if (options.ClientMessagesPerSecond > 0 && options.ClientMessageBurst <= options.MaxTopicsPerConnection && options.MaxTopicsPerConnection <= 10_000)
        {
            failures.Add($"Herald:ClientMessageBurst ({options.ClientMessageBurst}) must be more than Herald:MaxTopicsPerConnection ({options.MaxTopicsPerConnection}), so that a herald.v1 client that reconnects can log in and subscribe again to all its topics at once.");
        }

        foreach (var origin in options.AllowedOrigins)
        {
            if (OriginRules.Validate(origin) is { } problem)
            {
                failures.Add($"Herald:AllowedOrigins: {problem}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequireRange(List<string> failures, string key, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            failures.Add($"Herald:{key} must be between {min} and {max} (was {value}).");
        }
    }

    private static void RequireDuration(List<string> failures, string key, TimeSpan value, bool allowZero, TimeSpan? max = null)
    {
        var longest = max ?? MaxDuration;
        if ((value > TimeSpan.Zero || (allowZero && value == TimeSpan.Zero)) && value <= longest)
        {
            return;
        }

        var allowed = allowZero ? $"zero (off) or a duration up to {longest:c}" : $"a duration above zero and up to {longest:c}";
        failures.Add($"Herald:{key} must be {allowed}, written like 00:00:10 (was {value}; note that a bare number such as 10 means days).");
    }
}
