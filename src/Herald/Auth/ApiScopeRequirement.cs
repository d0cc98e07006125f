using Microsoft.AspNetCore.Authorization;

namespace Herald.Auth;

/// <summary>The requirement of Herald's two policies: a key with at least this scope, or loopback while no key is configured.</summary>
internal sealed class ApiScopeRequirement(ApiScope scope) : IAuthorizationRequirement
{
    public ApiScope Scope { get; } = scope;
}
