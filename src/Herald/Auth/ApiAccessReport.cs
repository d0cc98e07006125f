using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Herald.Auth;

/// <summary>What the start-up report says about access to the HTTP API: the keys and the rate limit, or the warning that there are no keys.</summary>
internal sealed class ApiAccessReport(ApiKeyStore keys, HeraldOptions options, IOptions<AuthorizationOptions> authorization)
{
    /// <param name="apiPaths">The API's paths as the report names them (<c>/send, /api/v1</c>).</param>
    /// <returns>The text, and whether it is an insecure default in force.</returns>
    public (string Text, bool Insecure) Describe(string apiPaths)
    {
        var replaced = new List<string>();
        foreach (var name in (string[])[HeraldApiAuthorization.PublishPolicy, HeraldApiAuthorization.AdminPolicy])
        {
            if (!ApiPolicies.IsHeralds(authorization.Value, name))
            {
                replaced.Add(name);
            }
        }

        var appPolicies = replaced.Count == 0 ? string.Empty : $"; the app's own policy decides for {string.Join(" and ", replaced)}";
        var api = options.Api;
        var rate = api.RequestsPerSecond == 0
            ? "no rate limit (Herald:Api:RequestsPerSecond is 0)"
            : $"a rate limit of {api.RequestsPerSecond} requests a second per caller, in bursts of up to {api.RequestBurst}";
        if (keys.IsEmpty && replaced.Count < 2)
        {
            return ($"no API key is configured (Herald:Api:Keys), so the HTTP API ({apiPaths}) serves loopback callers without a key and without a rate limit, and refuses every other caller with 403; behind a reverse proxy on this host every caller is loopback, so configure keys before you expose it (docs/security.md){appPolicies}", true);
        }

        var names = keys.IsEmpty ? "no API key" : "API keys " + string.Join(", ", keys.Keys.Select(key => $"{key.Name} ({key.Scope})"));
        return ($"HTTP API ({apiPaths}) access: {names}; {rate}{appPolicies}", false);
    }
}
