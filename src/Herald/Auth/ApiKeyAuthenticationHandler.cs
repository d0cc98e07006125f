using Herald.Diagnostics;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Herald.Auth;

/// <summary>
/// The <see cref="HeraldApiAuthorization.AuthenticationScheme"/> scheme: a request that presents a configured API key
/// is authenticated as that key (<see cref="ApiKeyPrincipal"/>). Its challenge and forbid answers are Herald's
/// problem+json refusals. It implements <see cref="IAuthenticationHandler"/> itself rather than deriving from
/// <c>AuthenticationHandler</c>, whose own log lines would run under a Herald category that no table describes.
/// </summary>
/// <remarks>Made per request by ASP.NET Core (<c>IAuthenticationHandlerProvider</c>), so one request's result is kept here.</remarks>
internal sealed class ApiKeyAuthenticationHandler(ApiKeyStore keys, ApiAccessLog log) : IAuthenticationHandler
{
    private const string UnknownKey = "The API key is not one of this server's keys: it is wrong, or it was revoked.";

    private HttpContext? _context;
    private Task<AuthenticateResult>? _result;

    private HttpContext Context => _context ?? throw new InvalidOperationException("The handler was not initialized.");

    public Task InitializeAsync(AuthenticationScheme scheme, HttpContext context)
    {
        _context = context;
        return Task.CompletedTask;
    }

    public Task<AuthenticateResult> AuthenticateAsync() => _result ??= Task.FromResult(Authenticate());

    /// <summary>
    /// 401 for a missing or invalid key. While no key is configured there is none to ask for, so a caller that is not
    /// loopback (and was not let in for that) gets 403, saying how to configure keys.
    /// </summary>
    public async Task ChallengeAsync(AuthenticationProperties? properties)
    {
        var context = Context;
        var caller = ApiCaller.Of(context, keys);
        if (keys.IsEmpty && !LoopbackCallers.Includes(context.Connection.RemoteIpAddress))
        {
            log.NotLoopback(context, caller);
            await AccessProblems.WriteAsync(
                context,
                StatusCodes.Status403Forbidden,
                "API keys not configured",
                $"This server has no API key configured, so only loopback callers may use its HTTP API, and this request came from {ApiCaller.AddressOf(context)}. {AccessProblems.HowToConfigureKeys}");
            return;
        }

        var failure = (await AuthenticateAsync()).Failure?.Message;
        string detail;
        if (failure is null)
        {
            var other = ApiKeyHeaders.OtherScheme(context.Request.Headers);
            detail = "This call needs an API key: send it as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.";
            if (other is not null)
            {
                detail += $" The Authorization header's scheme is '{other}', and Herald reads only Bearer.";
            }

            // There is no key to send only where an app's own policy asks Herald's scheme for more than the loopback rule.
            if (keys.IsEmpty)
            {
                detail += $" This server has none configured. {AccessProblems.HowToConfigureKeys}";
            }

            log.KeyRefused(context, caller, other is null ? "no API key" : $"no API key (Authorization has the scheme '{LogText.Escape(other)}')");
        }
        else
        {
            detail = failure;
            log.KeyRefused(context, caller, failure);
        }

        context.Response.Headers[HeaderNames.WWWAuthenticate] = failure is null ? "Bearer realm=\"Herald\"" : "Bearer realm=\"Herald\", error=\"invalid_token\"";
        await AccessProblems.WriteAsync(context, StatusCodes.Status401Unauthorized, failure is null ? "API key required" : "Invalid API key", detail);
    }

    /// <summary>403 for a key whose scope does not allow the call.</summary>
    public async Task ForbidAsync(AuthenticationProperties? properties)
    {
        var context = Context;
        var caller = ApiCaller.Of(context, keys);
        var key = (await AuthenticateAsync()).Principal is { } principal ? ApiKeyPrincipal.KeyOf(principal, keys) : null;
        var call = $"{context.Request.Method} {context.Request.PathBase.Add(context.Request.Path)}";
        string detail;
        if (key is null)
        {
            detail = $"This request may not call {call}.";
        }
        else if (ApiScopeHandler.MissingScope(context) is { } missing)
        {
            log.ScopeRefused(context, caller, key);
            detail = $"The API key '{key.Name}' has the scope {key.Scope}, which does not allow {call}: stats, user presence, disconnect and metrics need a key with the scope {missing}.";
        }
        else
        {
            // Refused by a requirement of the app's, not for the key's scope.
            detail = $"The API key '{key.Name}' may not call {call}.";
        }

        await AccessProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Scope not allowed", detail);
    }

    private AuthenticateResult Authenticate()
    {
        // With no key configured there is nothing to compare with; the loopback rule decides alone.
        if (keys.IsEmpty)
        {
            return AuthenticateResult.NoResult();
        }

        var presented = ApiKeyHeaders.Read(Context.Request.Headers, out var problem);
        if (problem is not null)
        {
            return AuthenticateResult.Fail(problem);
        }

        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }

        return keys.Find(presented) is { } key
            ? AuthenticateResult.Success(new AuthenticationTicket(ApiKeyPrincipal.Create(key), HeraldApiAuthorization.AuthenticationScheme))
            : AuthenticateResult.Fail(UnknownKey);
    }
}
