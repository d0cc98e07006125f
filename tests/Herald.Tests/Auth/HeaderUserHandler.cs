using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Herald.Tests.Auth;

/// <summary>
/// An app's own authentication scheme, as simple as one can be: the user is whoever the <c>X-User</c> header names.
/// Its challenge answers 401 with <c>X-Challenged-By: app</c>, so a test can tell it from Herald's.
/// </summary>
public sealed class HeaderUserHandler : IAuthenticationHandler
{
    public const string Scheme = "AppUser";

    private HttpContext? _context;

    public Task InitializeAsync(AuthenticationScheme scheme, HttpContext context)
    {
        _context = context;
        return Task.CompletedTask;
    }

    public Task<AuthenticateResult> AuthenticateAsync()
    {
        var user = _context!.Request.Headers["X-User"].ToString();
        return Task.FromResult(user.Length == 0
            ? AuthenticateResult.NoResult()
            : AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], Scheme)), Scheme)));
    }

    public Task ChallengeAsync(AuthenticationProperties? properties)
    {
        _context!.Response.StatusCode = StatusCodes.Status401Unauthorized;
        _context.Response.Headers["X-Challenged-By"] = "app";
        return Task.CompletedTask;
    }

    public Task ForbidAsync(AuthenticationProperties? properties)
    {
        _context!.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }
}
