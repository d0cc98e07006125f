using Herald.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Herald.Hosting;

/// <summary>
/// With <see cref="HeraldOptions.StrictConfiguration"/>, fails the start for every key under <c>Herald</c> that no
/// option reads. Without it, <see cref="HeraldLifecycleService"/> logs them as warnings (event 109) instead.
/// </summary>
internal sealed class HeraldConfigurationKeysValidator(IConfiguration configuration) : IValidateOptions<HeraldOptions>
{
    public ValidateOptionsResult Validate(string? name, HeraldOptions options)
    {
        if (!options.StrictConfiguration)
        {
            return ValidateOptionsResult.Success;
        }

        var unknown = UnknownConfigurationKeys.Find(configuration);
        if (unknown.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        // The key is the operator's text, and the failure reaches the host's log and the terminal: escaped.
        var failures = new List<string>(unknown.Count);
        foreach (var key in unknown)
        {
            failures.Add($"{LogText.Escape(key.Path)} is not a Herald setting ({key.Hint}), and Herald:StrictConfiguration refuses unknown keys.");
        }

        return ValidateOptionsResult.Fail(failures);
    }
}
