using Herald.Diagnostics;
using Microsoft.Extensions.Options;

namespace Herald.Auth;

/// <summary>Checks <c>Herald:Api</c> at start, beside <c>HeraldOptionsValidator</c>, naming the key and the accepted values in each failure.</summary>
internal sealed class ApiOptionsValidator : IValidateOptions<HeraldOptions>
{
    private const int MaxRequestsPerSecond = 1_000_000;
    private const int MaxRequestBurst = 10_000_000;

    public ValidateOptionsResult Validate(string? name, HeraldOptions options)
    {
        var failures = new List<string>();
        var byHash = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (keyName, entry) in options.Api.Keys)
        {
            if (ApiKey.TryCreate(keyName, entry, failures) is not { } key)
            {
                continue;
            }

            // Two names for one key would make its name in the logs a matter of chance.
            var hash = Convert.ToHexString(key.Hash);
            if (byHash.TryGetValue(hash, out var first))
            {
                failures.Add($"Herald:Api:Keys:{LogText.Escape(first)}:Hash and Herald:Api:Keys:{LogText.Escape(keyName)}:Hash are the same: each key needs a value of its own.");
            }
            else
            {
                byHash[hash] = keyName;
            }
        }

        var api = options.Api;
        if (api.RequestsPerSecond is < 0 or > MaxRequestsPerSecond)
        {
            failures.Add($"Herald:Api:RequestsPerSecond must be between 0 (no limit) and {MaxRequestsPerSecond} (was {api.RequestsPerSecond}).");
        }

        if (api.RequestBurst is < 1 or > MaxRequestBurst)
        {
            failures.Add($"Herald:Api:RequestBurst must be between 1 and {MaxRequestBurst} (was {api.RequestBurst}).");
        }
        else if (api.RequestBurst < api.RequestsPerSecond)
        {
            failures.Add($"Herald:Api:RequestBurst ({api.RequestBurst}) must be at least Herald:Api:RequestsPerSecond ({api.RequestsPerSecond}): the bucket is refilled once a second, so a smaller one could never reach the rate.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
