using System.Text;
using Herald.Auth;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Herald.Hosting;

/// <summary>
/// Checks <see cref="HeraldOptions.Tokens"/> at start, naming the key in each failure. Key files are read and parsed
/// here, so that a missing or broken PEM or JWKS file stops the start with its name instead of refusing every token.
/// </summary>
internal sealed class HeraldTokenOptionsValidator(IHostEnvironment? environment = null) : IValidateOptions<HeraldOptions>
{
    private const string Section = "Herald:Tokens";

    // Within a few seconds on NTP-synchronised hosts; five minutes (IdentityModel's default) is already lax.
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    // Refreshing more than once a minute on a schedule only loads the identity provider; keys rotate over days.
    private static readonly TimeSpan MinRefreshInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxRefreshInterval = TimeSpan.FromDays(1);
    private static readonly TimeSpan MaxDuration = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, HeraldOptions options)
    {
        var tokens = options.Tokens;
        var failures = new List<string>();

        ValidateSecrets(failures, tokens);
        for (var i = 0; i < tokens.PublicKeyFiles.Count; i++)
        {
            ValidatePemFile(failures, i, tokens.PublicKeyFiles[i]);
        }

        if (HeraldTokenOptions.HasText(tokens.JwksFile) && HeraldTokenOptions.HasText(tokens.JwksUrl))
        {
            failures.Add($"{Section}:JwksFile and {Section}:JwksUrl are both set; set one.");
        }
        else if (HeraldTokenOptions.HasText(tokens.JwksFile))
        {
            ValidateJwksFile(failures, tokens.JwksFile!);
        }
        else if (HeraldTokenOptions.HasText(tokens.JwksUrl))
        {
            ValidateJwksUrl(failures, tokens.JwksUrl!);
        }

        RequireDuration(failures, nameof(HeraldTokenOptions.JwksRefreshInterval), tokens.JwksRefreshInterval, MinRefreshInterval, MaxRefreshInterval);
        RequireDuration(failures, nameof(HeraldTokenOptions.JwksMinRefreshInterval), tokens.JwksMinRefreshInterval, TimeSpan.FromSeconds(1), MaxDuration);
        if (tokens.JwksMinRefreshInterval > tokens.JwksRefreshInterval)
        {
            failures.Add($"{Section}:JwksMinRefreshInterval ({tokens.JwksMinRefreshInterval:c}) must not be longer than {Section}:JwksRefreshInterval ({tokens.JwksRefreshInterval:c}).");
        }

        RequireDuration(failures, nameof(HeraldTokenOptions.ClockSkew), tokens.ClockSkew, TimeSpan.Zero, MaxClockSkew);
        RequireDuration(failures, nameof(HeraldTokenOptions.RefreshNotice), tokens.RefreshNotice, TimeSpan.FromSeconds(1), MaxDuration);
        if (!HeraldTokenOptions.HasText(tokens.TopicsClaim))
        {
            failures.Add($"{Section}:TopicsClaim must name a claim (default \"{HeraldTokenOptions.DefaultTopicsClaim}\").");
        }

        ValidateChecks(failures, tokens, nameof(HeraldTokenOptions.Issuer), tokens.Issuer, nameof(HeraldTokenOptions.ValidIssuers), tokens.ValidIssuers);
        ValidateChecks(failures, tokens, nameof(HeraldTokenOptions.Audience), tokens.Audience, nameof(HeraldTokenOptions.ValidAudiences), tokens.ValidAudiences);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateSecrets(List<string> failures, HeraldTokenOptions tokens)
    {
        var text = HeraldTokenOptions.HasText(tokens.Secret);
        var base64 = HeraldTokenOptions.HasText(tokens.SecretBase64);
        if (text && base64)
        {
            failures.Add($"{Section}:Secret and {Section}:SecretBase64 are both set; set one.");
            return;
        }

        if (text)
        {
            RequireSecretLength(failures, "Secret", Encoding.UTF8.GetByteCount(tokens.Secret!), "bytes of UTF-8");
        }
        else if (base64)
        {
            var buffer = new byte[tokens.SecretBase64!.Length];
            if (Convert.TryFromBase64String(tokens.SecretBase64, buffer, out var length))
            {
                RequireSecretLength(failures, "SecretBase64", length, "bytes once decoded");
            }
            else
            {
                failures.Add($"{Section}:SecretBase64 is not valid base64.");
            }
        }
    }

    private static void RequireSecretLength(List<string> failures, string key, int length, string unit)
    {
        if (length < HeraldTokenOptions.MinSecretBytes)
        {
            failures.Add($"{Section}:{key} must be at least {HeraldTokenOptions.MinSecretBytes} {unit} (was {length}); HS384 needs 48 and HS512 64.");
        }
    }

    private void ValidatePemFile(List<string> failures, int index, string path)
    {
        if (!HeraldTokenOptions.HasText(path))
        {
            failures.Add($"{Section}:PublicKeyFiles:{index} is empty.");
            return;
        }

        var fullPath = TokenKeyReader.FullPath(path, environment);
        if (TokenKeyReader.ReadPublicKeyFile(fullPath, out var problem) is null)
        {
            failures.Add($"{Section}:PublicKeyFiles:{index}: {fullPath} {problem}.");
        }
    }

    private void ValidateJwksFile(List<string> failures, string path)
    {
        var fullPath = TokenKeyReader.FullPath(path, environment);
        string document;
        try
        {
            document = File.ReadAllText(fullPath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            failures.Add($"{Section}:JwksFile: {fullPath} cannot be read ({exception.Message}).");
            return;
        }

        if (TokenKeyReader.ReadJwks(document, out var problem) is null)
        {
            failures.Add($"{Section}:JwksFile: {fullPath} {problem}.");
        }
    }

    private static void ValidateJwksUrl(List<string> failures, string url)
    {
        // On Unix a rooted path such as /jwks.json parses as an absolute file URI; it is a relative URL here.
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.IsFile && !url.StartsWith("file:", StringComparison.OrdinalIgnoreCase)))
        {
            failures.Add($"{Section}:JwksUrl must be an absolute https URL (was '{url}').");
        }
        else if (!(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            // Keys fetched in the clear could be swapped on the way: anyone on the path could then sign tokens.
            failures.Add($"{Section}:JwksUrl must use https; http is allowed only to a loopback address (was '{url}').");
        }
    }

    private static void ValidateChecks(List<string> failures, HeraldTokenOptions tokens, string oneKey, string? one, string moreKey, IList<string> more)
    {
        for (var i = 0; i < more.Count; i++)
        {
            if (!HeraldTokenOptions.HasText(more[i]))
            {
                failures.Add($"{Section}:{moreKey}:{i} is empty.");
            }
        }

        if (!tokens.IsConfigured && (HeraldTokenOptions.HasText(one) || more.Count > 0))
        {
            var key = HeraldTokenOptions.HasText(one) ? oneKey : moreKey;
            failures.Add($"{Section}:{key} is set but no token key is: set {Section}:Secret, SecretBase64, PublicKeyFiles, JwksFile or JwksUrl.");
        }
    }

    private static void RequireDuration(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{Section}:{key} must be a duration from {min:c} to {max:c}, written like 00:00:30 (was {value}; note that a bare number such as 10 means days).");
        }
    }
}
