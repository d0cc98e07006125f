namespace Herald.Protocol;

/// <summary>How a connection proved who it is.</summary>
internal enum IdentitySource
{
    /// <summary>The seed's <c>{"uid":"..."}</c>: no proof at all, allowed only while no authentication is configured.</summary>
    Anonymous,

    /// <summary>A signed token (JWT) the server verified.</summary>
    Token,

    /// <summary>The application's connect hook, from the upgrade's cookies and headers.</summary>
    ConnectHook,
}

/// <summary>
/// Who a verified credential says the connection is: the user, the topics it may subscribe to and until when.
/// The only part of a credential a connection keeps after its login.
/// </summary>
/// <param name="UserId">The user (a token's <c>sub</c>, the hook's <c>uid</c>), already checked against the user-ID rule.</param>
/// <param name="Topics">The topics granted; null when the credential leaves topics open (anonymous logins).</param>
/// <param name="ExpiresAt">When the credential stops being valid; null when it does not expire.</param>
/// <param name="Source">Where it came from.</param>
internal sealed record ConnectionIdentity(string UserId, TopicGrants? Topics, DateTimeOffset? ExpiresAt, IdentitySource Source);
