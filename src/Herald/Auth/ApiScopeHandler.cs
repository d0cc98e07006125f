using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Herald.Auth;

/// <summary>
/// Meets an <see cref="ApiScopeRequirement"/> for a key whose scope is at least the one required, and, while no key
/// is configured, for any loopback caller: the seed's <c>curl http://localhost:8181/send?...</c>. With keys, loopback
/// gets nothing more than any other address.
/// </summary>
internal sealed class ApiScopeHandler(ApiKeyStore keys) : AuthorizationHandler<ApiScopeRequirement>
{
    private static readonly object MissingScopeKey = new();

    /// <summary>The scope a key lacked for this request, when that is why it was refused (and not an app's own requirement).</summary>
    public static ApiScope? MissingScope(HttpContext context) => context.Items.TryGetValue(MissingScopeKey, out var scope) ? (ApiScope?)scope : null;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiScopeRequirement requirement)
    {
        var http = context.Resource as HttpContext;
        var key = ApiKeyPrincipal.KeyOf(context.User, keys);
        if (key is not null ? key.Scope >= requirement.Scope : keys.IsEmpty && http is not null && LoopbackCallers.Includes(http.Connection.RemoteIpAddress))
        {
            context.Succeed(requirement);
        }
        else if (key is not null && http is not null)
        {
            // For the 403's answer and log line, which name the scope that was missing.
            http.Items[MissingScopeKey] = requirement.Scope;
        }

        return Task.CompletedTask;
    }
}
