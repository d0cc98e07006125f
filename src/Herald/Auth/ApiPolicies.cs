using Microsoft.AspNetCore.Authorization;

namespace Herald.Auth;

/// <summary>
/// Herald's own two policies. They name Herald's scheme, so evaluating them authenticates the request with it
/// whatever the app's default scheme, and they are registered only under a name the app has left free.
/// </summary>
internal static class ApiPolicies
{
    public static readonly AuthorizationPolicy Publish = Build(ApiScope.Publish);

    public static readonly AuthorizationPolicy Admin = Build(ApiScope.Admin);

    /// <summary>
    /// Adds each policy unless the app registered one of that name: run as a post-configuration, after every
    /// <c>AddAuthorization(...)</c> of the app, so it does not matter whether the app's came before <c>AddHerald()</c>.
    /// </summary>
    public static void AddUnlessRegistered(AuthorizationOptions options)
    {
        if (options.GetPolicy(HeraldApiAuthorization.PublishPolicy) is null)
        {
            options.AddPolicy(HeraldApiAuthorization.PublishPolicy, Publish);
        }

        if (options.GetPolicy(HeraldApiAuthorization.AdminPolicy) is null)
        {
            options.AddPolicy(HeraldApiAuthorization.AdminPolicy, Admin);
        }
    }

    /// <summary>Whether the policy of that name is Herald's own, not the app's.</summary>
    public static bool IsHeralds(AuthorizationOptions options, string name) =>
        options.GetPolicy(name) is { } policy && (ReferenceEquals(policy, Publish) || ReferenceEquals(policy, Admin));

    private static AuthorizationPolicy Build(ApiScope scope) =>
        new AuthorizationPolicyBuilder(HeraldApiAuthorization.AuthenticationScheme).AddRequirements(new ApiScopeRequirement(scope)).Build();
}
