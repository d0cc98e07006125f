using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Herald.Redis;

/// <summary>Checks the Redis options at start, each failure one clear line naming the key.</summary>
internal sealed class HeraldRedisOptionsValidator : IValidateOptions<HeraldRedisOptions>
{
    public ValidateOptionsResult Validate(string? name, HeraldRedisOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            failures.Add("Herald:Redis:Configuration is required: the Redis to share, as a StackExchange.Redis configuration string (localhost:6379)");
        }
        else
        {
            try
            {
                ConfigurationOptions.Parse(options.Configuration);
            }
            catch (ArgumentException invalid)
            {
                failures.Add($"Herald:Redis:Configuration is not a StackExchange.Redis configuration string: {invalid.Message}");
            }
        }

        if (string.IsNullOrEmpty(options.Prefix) || options.Prefix.AsSpan().IndexOfAny("{}") >= 0)
        {
            failures.Add("Herald:Redis:Prefix must not be empty nor hold '{' or '}' (Herald's keys put their hash tag after it)");
        }

        if (!Enum.IsDefined(options.Fanout))
        {
            failures.Add("Herald:Redis:Fanout must be Subscribed or Everything");
        }

        if (options.NodeHeartbeatInterval <= TimeSpan.Zero)
        {
            failures.Add("Herald:Redis:NodeHeartbeatInterval must be above zero");
        }

        if (options.NodeTimeout < 2 * options.NodeHeartbeatInterval)
        {
            failures.Add("Herald:Redis:NodeTimeout must be at least twice NodeHeartbeatInterval");
        }

        if (options.CommandTimeout <= TimeSpan.Zero || options.CommandTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add("Herald:Redis:CommandTimeout must be above zero and at most 5 minutes");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
