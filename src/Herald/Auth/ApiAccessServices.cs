using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Herald.Auth;

/// <summary>Registers access control for the HTTP API: Herald's scheme, its two policies, the key store and the rate limit.</summary>
internal static class ApiAccessServices
{
    private const string SuppressAutoDefaultScheme = "Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme";

    public static void AddTo(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HeraldOptions>, ApiOptionsValidator>());
        services.AddAuthenticationCore();
        services.AddAuthorization();
        services.Configure<AuthenticationOptions>(static authentication =>
        {
            // AddHerald() may be called more than once.
            if (!authentication.SchemeMap.ContainsKey(HeraldApiAuthorization.AuthenticationScheme))
            {
                authentication.AddScheme<ApiKeyAuthenticationHandler>(HeraldApiAuthorization.AuthenticationScheme, "Herald API key");
            }
        });
        services.PostConfigure<AuthenticationOptions>(KeepTheAppsDefaultScheme);
        services.PostConfigure<AuthorizationOptions>(ApiPolicies.AddUnlessRegistered);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, ApiScopeHandler>());

        // Registered, so that ASP.NET Core resolves the per-request handler from the container instead of by reflection.
        services.TryAddTransient<ApiKeyAuthenticationHandler>();

        services.TryAddSingleton<ApiKeyStore>();
        services.TryAddSingleton<ApiRateLimiter>();
        services.TryAddSingleton<ApiRequestCounts>();
        services.TryAddSingleton<ApiAccessLog>();
        services.TryAddSingleton<ApiRequestGate>();
        services.TryAddSingleton<ApiAccessReport>();
    }

    /// <summary>
    /// ASP.NET Core makes an app's only scheme its default when none is named. Herald's scheme would make that two,
    /// and the app's default would vanish: so an app with one scheme of its own gets it as its default by name. (When
    /// Herald's is the only scheme, ASP.NET Core makes it the default, as it would any; docs/security.md says what that means.)
    /// </summary>
    private static void KeepTheAppsDefaultScheme(AuthenticationOptions authentication)
    {
        if (authentication.DefaultScheme is not null || (AppContext.TryGetSwitch(SuppressAutoDefaultScheme, out var suppressed) && suppressed))
        {
            return;
        }

        var others = authentication.Schemes.Where(scheme => scheme.Name != HeraldApiAuthorization.AuthenticationScheme).ToList();
        if (others.Count == 1)
        {
            authentication.DefaultScheme = others[0].Name;
        }
    }
}
