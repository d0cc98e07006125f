using Herald.Protocol;

namespace Herald.Auth;

/// <summary>
/// The server's <see cref="ILoginAuthority"/>: the seed's anonymous login while no authentication is configured
/// (or while <see cref="HeraldOptions.AllowAnonymousLogin"/> says so), tokens once a key is configured, the connect
/// hook once its URL is.
/// </summary>
internal sealed class LoginAuthority(HeraldOptions options, TokenValidator tokens) : ILoginAuthority
{
    public bool AllowsAnonymous { get; } = options.AllowAnonymousLogin ?? !AuthenticationConfigured(options);

    public bool UsesConnectHook => false;

    public TimeSpan RefreshNotice => options.Tokens.RefreshNotice;

    public ValueTask<LoginCheck> CheckTokenAsync(string token, CancellationToken cancellationToken) =>
        tokens.IsConfigured
            ? tokens.CheckAsync(token, cancellationToken)
            : ValueTask.FromResult(LoginCheck.Refuse(LoginVerdict.Refused, "tokens are not configured on this server"));

    public ValueTask<LoginCheck> CheckHandshakeAsync(HandshakeCredentials handshake, CancellationToken cancellationToken) =>
        ValueTask.FromResult(LoginCheck.Refuse(LoginVerdict.Refused, "no connect hook is configured on this server"));

    public ValueTask<LoginCheck> CheckSubscribeAsync(ConnectionIdentity identity, string topic, CancellationToken cancellationToken) =>
        ValueTask.FromResult(LoginCheck.Refuse(LoginVerdict.Refused, $"the credential does not grant topic '{topic}'"));

    /// <summary>Whether a way for clients to prove who they are is configured, which turns the anonymous login off by default.</summary>
    private static bool AuthenticationConfigured(HeraldOptions options) => options.Tokens.IsConfigured;
}
