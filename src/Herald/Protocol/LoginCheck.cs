namespace Herald.Protocol;

/// <summary>What a credential check decided.</summary>
internal enum LoginVerdict
{
    /// <summary>The credential is good: <see cref="LoginCheck.Identity"/> says who.</summary>
    Accepted,

    /// <summary>The token is not one the server accepts (close 4010).</summary>
    InvalidToken,

    /// <summary>The token has expired (close 4011).</summary>
    Expired,

    /// <summary>The credential was refused, or none that the server accepts was given (close 4012).</summary>
    Refused,

    /// <summary>The credential could not be checked now: the connect hook failed, was slow or is switched off (close 4013).</summary>
    Unavailable,
}

/// <summary>
/// A credential check's answer. <see cref="Reason"/> is for the client (a close reason or an error message: short,
/// and naming nothing secret); <see cref="Detail"/> is for the log, and may say more.
/// </summary>
internal sealed record LoginCheck(LoginVerdict Verdict, ConnectionIdentity? Identity, string Reason, string? Detail = null)
{
    public static LoginCheck Accept(ConnectionIdentity identity) => new(LoginVerdict.Accepted, identity, string.Empty);

    public static LoginCheck Refuse(LoginVerdict verdict, string reason, string? detail = null) => new(verdict, null, reason, detail);

    /// <summary>The WebSocket close code a refused login ends with.</summary>
    public int CloseCode => Verdict switch
    {
        LoginVerdict.InvalidToken => HeraldCloseCodes.InvalidToken,
        LoginVerdict.Expired => HeraldCloseCodes.TokenExpired,
        LoginVerdict.Unavailable => HeraldCloseCodes.AuthUnavailable,
        _ => HeraldCloseCodes.LoginRefused,
    };
}
