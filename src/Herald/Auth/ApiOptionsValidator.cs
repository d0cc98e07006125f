using Herald.Diagnostics;
using Microsoft.Extensions.Options;

namespace Herald.Auth;

/// <summary>Checks <c>Herald:Api</c> at start, beside <c>HeraldOptionsValidator</c>, naming the key and the accepted values in each failure.</summary>
internal sealed class ApiOptionsValidator : IValidateOptions<HeraldOptions>
{
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
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
