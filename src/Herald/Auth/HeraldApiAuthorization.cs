namespace Herald;

/// <summary>
/// The names behind access to Herald's HTTP API, for an app that puts its own scheme or policy in their place
/// (docs/security.md): register a policy under <see cref="PublishPolicy"/> or <see cref="AdminPolicy"/> and Herald
/// uses it instead of its own.
/// </summary>
public static class HeraldApiAuthorization
{
    /// <summary>The authentication scheme of Herald's API keys (<c>Authorization: Bearer</c> or <c>X-Api-Key</c>).</summary>
    public const string AuthenticationScheme = "HeraldApiKey";

    /// <summary>The policy of <c>/send</c>, <c>POST /api/v1/publish</c> and <c>POST /api/v1/publish/batch</c>.</summary>
    public const string PublishPolicy = "Herald.Publish";

    /// <summary>The policy of <c>GET /api/v1/stats</c>, <c>GET /api/v1/users/{uid}</c> and <c>POST /api/v1/users/{uid}/disconnect</c>.</summary>
    public const string AdminPolicy = "Herald.Admin";
}
