using System.Text;
using Herald.Connections;

namespace Herald.Hosting;

/// <summary>The rules of <c>Herald:ConnectHook</c> (docs/configuration.md, "The connect hook").</summary>
internal sealed partial class HeraldOptionsValidator
{
    private const string Hook = "ConnectHook";

    // More would be a sign of forwarding everything; each name is read from every upgrade while the hook is on.
    private const int MaxForwardHeaders = 32;

    // They describe the client's connection to Herald (and an HTTP/2 upgrade has none of them), not the client.
    private static readonly string[] HopByHopHeaders = ["Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade"];

    // Herald's HTTP client writes these itself for its request to the hook.
    private static readonly string[] ReservedRequestHeaders = [.. HopByHopHeaders, "Host", "Content-Type", "Content-Length", "Expect"];

    private static void ValidateConnectHook(List<string> failures, HeraldOptions options)
    {
        var hook = options.ConnectHook;
        if (hook.Url is null)
        {
            if (hook.CheckSubscribes || hook.SubscribeUrl is not null)
            {
                failures.Add($"Herald:{Hook}:CheckSubscribes and Herald:{Hook}:SubscribeUrl need Herald:{Hook}:Url: subscribe checks are made by the connect hook, which is off.");
            }

            return;
        }

        RequireHttpUrl(failures, $"{Hook}:Url", hook.Url);
        if (hook.SubscribeUrl is not null)
        {
            RequireHttpUrl(failures, $"{Hook}:SubscribeUrl", hook.SubscribeUrl);
            if (!hook.CheckSubscribes)
            {
                failures.Add($"Herald:{Hook}:SubscribeUrl is set but Herald:{Hook}:CheckSubscribes is false, so it would never be called.");
            }
        }

        RequireDuration(failures, $"{Hook}:Timeout", hook.Timeout, allowZero: false);
        if (hook.Timeout >= options.LoginTimeout && options.LoginTimeout > TimeSpan.Zero)
        {
            failures.Add($"Herald:{Hook}:Timeout ({hook.Timeout:c}) must be shorter than Herald:LoginTimeout ({options.LoginTimeout:c}), so that a slow hook ends a login with 4013 rather than the login timeout's 4001.");
        }

        RequireRange(failures, $"{Hook}:BreakerFailures", hook.BreakerFailures, 1, 1000);
        RequireDuration(failures, $"{Hook}:BreakerDuration", hook.BreakerDuration, allowZero: false);

        if (hook.ForwardHeaders.Count > MaxForwardHeaders)
        {
            failures.Add($"Herald:{Hook}:ForwardHeaders may name at most {MaxForwardHeaders} headers (was {hook.ForwardHeaders.Count}).");
        }

        foreach (var name in hook.ForwardHeaders)
        {
            if (!IsToken(name))
            {
                failures.Add($"Herald:{Hook}:ForwardHeaders has '{name}', which is not a header name (letters, digits and !#$%&'*+-.^_`|~).");
            }
            else if (HopByHopHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                failures.Add($"Herald:{Hook}:ForwardHeaders has '{name}', which describes the client's connection to Herald, not the client, and is not forwarded.");
            }
        }

        foreach (var (name, value) in hook.RequestHeaders)
        {
            if (!IsToken(name))
            {
                failures.Add($"Herald:{Hook}:RequestHeaders has '{name}', which is not a header name (letters, digits and !#$%&'*+-.^_`|~).");
            }
            else if (ReservedRequestHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                failures.Add($"Herald:{Hook}:RequestHeaders has '{name}', which Herald writes itself.");
            }
            else if (!IsFieldValue(value))
            {
                // The value may be a secret: the message names the header only.
                failures.Add($"Herald:{Hook}:RequestHeaders:{name} must be visible ASCII, spaces and tabs only (its value is not shown here).");
            }
        }
    }

    private static void RequireHttpUrl(List<string> failures, string key, Uri url)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"Herald:{key} must be an absolute http or https URL, such as https://app.example/herald/connect (was '{url.OriginalString}').");
        }
        else if (url.UserInfo.Length > 0)
        {
            // Not shown: the user info is a credential. A header says the same without putting it in every log of the URL.
            failures.Add($"Herald:{key} must not carry user info; give the backend a credential with Herald:{Hook}:RequestHeaders instead.");
        }
    }

    private static bool IsToken(string name) =>
        name.Length > 0 && Ascii.IsValid(name) && !Encoding.ASCII.GetBytes(name).AsSpan().ContainsAnyExcept(HttpSyntax.TokenChars);

    private static bool IsFieldValue(string? value) =>
        value is not null && Ascii.IsValid(value) && !Encoding.ASCII.GetBytes(value).AsSpan().ContainsAnyExcept(HttpSyntax.FieldValueChars);
}
