using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Auth;

/// <summary>
/// Access control in front of every HTTP API endpoint, run by the endpoint itself: authenticate with the policy's
/// schemes, authorize, then call the endpoint or refuse. It does what ASP.NET Core's authorization middleware
/// would, with the same services (so an app's own policy, scheme or <see cref="IAuthorizationMiddlewareResultHandler"/>
/// applies), but needs no middleware: an app that never calls <c>UseAuthentication()</c> or <c>UseAuthorization()</c>,
/// or calls them in the wrong place, still has its API protected.
/// </summary>
internal sealed class ApiRequestGate(
    IAuthorizationPolicyProvider policies,
    IAuthorizationMiddlewareResultHandler results,
    ApiKeyStore keys,
    ApiAccessLog log)
{
    public async Task InvokeAsync(HttpContext context, string policyName, RequestDelegate endpoint)
    {
        var policy = await policies.GetPolicyAsync(policyName)
            ?? throw new InvalidOperationException($"No authorization policy is named '{policyName}': Herald's endpoints need it (docs/security.md).");

        // Resolved per request, as the middleware does: an app may register scoped authorization handlers.
        var evaluator = context.RequestServices.GetRequiredService<IPolicyEvaluator>();
        var authentication = await evaluator.AuthenticateAsync(policy, context);
        var authorization = await evaluator.AuthorizeAsync(policy, authentication, context, context);
        if (authorization.Succeeded)
        {
            // A loopback caller let in because no key is configured has no key to be named by.
            var loopbackDefault = keys.IsEmpty && context.User.Identity?.IsAuthenticated != true && LoopbackCallers.Includes(context.Connection.RemoteIpAddress);
            log.Accepted(context, loopbackDefault ? null : ApiCaller.Of(context, keys));
        }

        await results.HandleAsync(endpoint, context, policy, authorization);
    }
}
