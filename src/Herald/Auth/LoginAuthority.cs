using Herald.Protocol;

namespace Herald.Auth;

/// <summary>
/// The server's <see cref="ILoginAuthority"/>: the seed's anonymous login while no authentication is configured
/// (or while <see cref="HeraldOptions.AllowAnonymousLogin"/> says so), tokens once a key is configured, the connect
/// hook once its URL is.
/// </summary>
internal sealed class LoginAuthority(HeraldOptions options) : ILoginAuthority
{
    public bool AllowsAnonymous => options.AllowAnonymousLogin ?? !AuthenticationConfigured;

    /// <summary>Whether the WebSocket side is authenticated: a token key or the connect hook is configured.</summary>
    public bool AuthenticationConfigured { get; }

    public bool AnonymousTopicsOpen => !AuthenticationConfigured;

    public bool UsesConnectHook => false;

    /// <summary>The upgrade's headers the connect hook is given; none while there is no hook.</summary>
    public IReadOnlyList<string> HandshakeHeaders { get; } = [];

    public TimeSpan RefreshNotice => TimeSpan.FromMinutes(1);

    public ValueTask<LoginCheck> CheckTokenAsync(string token, CancellationToken cancellationToken) =>
        ValueTask.FromResult(LoginCheck.Refuse(LoginVerdict.Refused, "tokens are not configured on this server"));

    public ValueTask<LoginCheck> CheckHandshakeAsync(HandshakeCredentials handshake, CancellationToken cancellationToken) =>
        ValueTask.FromResult(LoginCheck.Refuse(LoginVerdict.Refused, "no connect hook is configured on this server"));

    public ValueTask<LoginCheck> CheckSubscribeAsync(ConnectionIdentity identity, string topic, CancellationToken cancellationToken) =>
        ValueTask.FromResult(LoginCheck.Refuse(LoginVerdict.Refused, $"the credential does not grant topic '{topic}'"));
}
