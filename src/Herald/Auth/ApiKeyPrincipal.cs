using System.Security.Claims;

namespace Herald.Auth;

/// <summary>
/// The principal of a request authenticated with an API key: an identity of Herald's scheme whose name is the key's
/// name. Only such an identity counts, so that no other scheme's user can pass for a key.
/// </summary>
internal static class ApiKeyPrincipal
{
    public static ClaimsPrincipal Create(ApiKey key) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, key.Name)], HeraldApiAuthorization.AuthenticationScheme));

    /// <summary>The configured key <paramref name="principal"/> was authenticated with, or null.</summary>
    public static ApiKey? KeyOf(ClaimsPrincipal principal, ApiKeyStore keys)
    {
        foreach (var identity in principal.Identities)
        {
            if (identity is { IsAuthenticated: true, AuthenticationType: HeraldApiAuthorization.AuthenticationScheme, Name: { } name })
            {
                return keys.ByName(name);
            }
        }

        return null;
    }
}
