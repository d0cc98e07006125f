using Microsoft.Extensions.Options;

namespace Herald.Hosting;

/// <summary>Checks <see cref="HeraldOptions"/> at start, naming the key and the accepted range in each failure.</summary>
internal sealed class HeraldOptionsValidator : IValidateOptions<HeraldOptions>
{
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

        RequirePositive(failures, nameof(HeraldOptions.LoginTimeout), options.LoginTimeout);
        RequirePositive(failures, nameof(HeraldOptions.CloseTimeout), options.CloseTimeout);
        RequirePositive(failures, nameof(HeraldOptions.ShutdownTimeout), options.ShutdownTimeout);
        RequireNotNegative(failures, nameof(HeraldOptions.KeepAliveInterval), options.KeepAliveInterval);
        RequireNotNegative(failures, nameof(HeraldOptions.KeepAliveTimeout), options.KeepAliveTimeout);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequireRange(List<string> failures, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"Herald:{key} must be between {min} and {max} (was {value}).");
        }
    }

    private static void RequirePositive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue)
        {
            failures.Add($"Herald:{key} must be a positive duration such as 00:00:10 (was {value}).");
        }
    }

    private static void RequireNotNegative(List<string> failures, string key, TimeSpan value)
    {
        if (value < TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue)
        {
            failures.Add($"Herald:{key} must be zero (off) or a positive duration such as 00:00:20 (was {value}).");
        }
    }
}
