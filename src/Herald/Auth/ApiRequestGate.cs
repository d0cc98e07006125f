using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Herald.Auth;

/// <summary>
/// Access control in front of every HTTP API endpoint, run by the endpoint itself: authenticate with the policy's
/// schemes, take a request from the caller's rate limit, authorize, then call the endpoint or refuse. It does
/// what ASP.NET Core's authorization middleware would, with the same services (so an app's own policy, scheme or
/// <see cref="IAuthorizationMiddlewareResultHandler"/> applies), but needs no middleware: an app that never calls
/// <c>UseAuthentication()</c> or <c>UseAuthorization()</c>, or calls them in the wrong place, still has its API protected.
/// </summary>
internal sealed class ApiRequestGate(
    IAuthorizationPolicyProvider policies,
    IAuthorizationMiddlewareResultHandler results,
    ApiKeyStore keys,
    ApiRateLimiter limiter,
    ApiRequestCounts requests,
    ApiAccessLog log,
    HeraldOptions options)
{
    private bool? _publishIsHeralds;

    public async Task InvokeAsync(HttpContext context, string policyName, RequestDelegate endpoint)
    {
        var policy = await policies.GetPolicyAsync(policyName)
            ?? throw new InvalidOperationException($"No authorization policy is named '{policyName}': Herald's endpoints need it (docs/security.md).");
        string keyTag;
        try
        {
            if (IsLoopbackWithoutKeys(context, policy))
            {
                log.Accepted(context, null);
                await endpoint(context);
                keyTag = ApiCaller.NoKey;
            }
            else
            {
                keyTag = await EvaluateAsync(context, policy, endpoint);
            }
        }
        catch
        {
            // The request failed: the server answers 500, or aborts the connection if the answer had begun. Its key
            // is the one it authenticated with, if it got that far.
            requests.Answered.Add(ApiCaller.Of(context, keys).KeyTag, StatusCodes.Status500InternalServerError);
            throw;
        }

        requests.Answered.Add(keyTag, context.Response.StatusCode);
    }

    /// <summary>Authenticates, rate-limits and authorizes, then runs the endpoint or refuses; returns the key the request presented, for the counts.</summary>
    private async Task<string> EvaluateAsync(HttpContext context, AuthorizationPolicy policy, RequestDelegate endpoint)
    {
        // Resolved per request, as the middleware does: an app may register scoped authorization handlers.
        var evaluator = context.RequestServices.GetRequiredService<IPolicyEvaluator>();
        var authentication = await evaluator.AuthenticateAsync(policy, context);

        // A loopback caller let in because no key is configured is the seed's backend on the same host: not limited.
        var exempt = keys.IsEmpty && context.User.Identity?.IsAuthenticated != true && LoopbackCallers.Includes(context.Connection.RemoteIpAddress);
        ApiCaller? caller = exempt ? null : ApiCaller.Of(context, keys);
        var keyTag = caller?.KeyTag ?? ApiCaller.NoKey;
        if (caller is { } limited && !limiter.TryAcquire(limited.Partition, out var retryAfter))
        {
            await RefuseOverLimitAsync(context, limited, retryAfter);
            return keyTag;
        }

        var authorization = await evaluator.AuthorizeAsync(policy, authentication, context, context);
        if (authorization.Succeeded)
        {
            log.Accepted(context, caller);
        }

        await results.HandleAsync(endpoint, context, policy, authorization);
        if (!authorization.Succeeded)
        {
            requests.Refused.Add(keyTag, context.Response.StatusCode);
        }

        return keyTag;
    }

    /// <summary>
    /// Whether a publish request from <paramref name="address"/> would go straight to its endpoint, whatever it
    /// sends (see <see cref="IsLoopbackWithoutKeys"/>): known without a request, so that a path in front of
    /// ASP.NET Core (<c>Api/DirectSendEndpoint</c>) can ask it. Only with the app's default policy provider, whose policies
    /// are fixed once the app runs.
    /// </summary>
    public bool LetsPublishIn(IPAddress? address) =>
        keys.IsEmpty
        && LoopbackCallers.Includes(address)
        && results is AuthorizationMiddlewareResultHandler
        && policies is DefaultAuthorizationPolicyProvider
        && (_publishIsHeralds ??= policies.GetPolicyAsync(HeraldApiAuthorization.PublishPolicy) is { IsCompletedSuccessfully: true } policy
            && ReferenceEquals(policy.Result, ApiPolicies.Publish));

    /// <summary>
    /// A loopback caller while no key is configured, under Herald's own policy and result handler: the policy lets
    /// it in unlimited whatever it sends, so the seed's backend on the same host pays none of the evaluation (about
    /// 3 % of the server's CPU per /send, perf).
    /// </summary>
    private bool IsLoopbackWithoutKeys(HttpContext context, AuthorizationPolicy policy) =>
        keys.IsEmpty
        && (ReferenceEquals(policy, ApiPolicies.Publish) || ReferenceEquals(policy, ApiPolicies.Admin))
        && results is AuthorizationMiddlewareResultHandler
        && LoopbackCallers.Includes(context.Connection.RemoteIpAddress);

    private async Task RefuseOverLimitAsync(HttpContext context, ApiCaller caller, TimeSpan retryAfter)
    {
        // Retry-After is whole seconds (RFC 9110, section 10.2.3), rounded up so that a retry then finds a token.
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        requests.Refused.Add(caller.KeyTag, StatusCodes.Status429TooManyRequests);
        log.RateLimited(context, caller, seconds);
        context.Response.Headers[HeaderNames.RetryAfter] = seconds.ToString(CultureInfo.InvariantCulture);
        var api = options.Api;
        await AccessProblems.WriteAsync(
            context,
            StatusCodes.Status429TooManyRequests,
            "Too many requests",
            $"Over the rate limit of {caller.Description}: {api.RequestsPerSecond} requests a second, in bursts of up to {api.RequestBurst}; retry after {seconds} s. Herald:Api:RequestsPerSecond and Herald:Api:RequestBurst set the limit.");
    }
}
