using Herald.Protocol;
using Microsoft.Extensions.Logging;

namespace Herald.Auth;

/// <summary>
/// The server's <see cref="ILoginAuthority"/>: the seed's anonymous login while no authentication is configured
/// (or while <see cref="HeraldOptions.AllowAnonymousLogin"/> says so), tokens once a key is configured, the connect
/// hook once its URL is.
/// </summary>
internal sealed class LoginAuthority : ILoginAuthority, IDisposable
{
    private readonly bool _hookChecksSubscribes;
    private readonly TokenValidator _tokens;

    public LoginAuthority(HeraldOptions options, TokenValidator tokens, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        _tokens = tokens;
        RefreshNotice = options.Tokens.RefreshNotice;
        ConnectHook = options.ConnectHook.Url is null ? null : new ConnectHookClient(options, timeProvider, loggerFactory);
        _hookChecksSubscribes = options.ConnectHook.CheckSubscribes;
        AllowsAnonymous = options.AllowAnonymousLogin ?? !AuthenticationConfigured;
    }

    /// <summary>The connect hook, while its URL is configured.</summary>
    public ConnectHookClient? ConnectHook { get; }

    public bool AllowsAnonymous { get; }

    public bool UsesConnectHook => ConnectHook is not null;

    public bool AnonymousTopicsOpen => !AuthenticationConfigured;

    /// <summary>The upgrade's headers the connect hook is given (Cookie, Origin and the configured ones); none while there is no hook.</summary>
    public IReadOnlyList<string> HandshakeHeaders => ConnectHook?.ForwardedHeaders ?? [];

    public TimeSpan RefreshNotice { get; }

    /// <summary>
    /// Whether the WebSocket side is authenticated: a token key or the connect hook is configured. A login that
    /// proves nothing has no place beside one that does, unless the operator asks for both.
    /// </summary>
    public bool AuthenticationConfigured => _tokens.IsConfigured || UsesConnectHook;

    public ValueTask<LoginCheck> CheckTokenAsync(string token, CancellationToken cancellationToken) =>
        _tokens.IsConfigured
            ? _tokens.CheckAsync(token, cancellationToken)
            : ValueTask.FromResult(LoginCheck.Refuse(LoginVerdict.Refused, "tokens are not configured on this server"));

    public ValueTask<LoginCheck> CheckHandshakeAsync(HandshakeCredentials handshake, CancellationToken cancellationToken) =>
        ConnectHook is { } hook
            ? hook.CheckHandshakeAsync(handshake, cancellationToken)
            : ValueTask.FromResult(LoginCheck.Refuse(LoginVerdict.Refused, "no connect hook is configured on this server"));

    public ValueTask<LoginCheck> CheckSubscribeAsync(ConnectionIdentity identity, string topic, CancellationToken cancellationToken) =>
        ConnectHook is { } hook && _hookChecksSubscribes && identity.Source is IdentitySource.ConnectHook or IdentitySource.Token
            ? hook.CheckSubscribeAsync(identity, topic, cancellationToken)
            : ValueTask.FromResult(LoginCheck.Refuse(LoginVerdict.Refused, $"the credential does not grant topic '{topic}'"));

    public void Dispose() => ConnectHook?.Dispose();
}
