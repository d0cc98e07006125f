using Herald.Routing;
using Herald.Streams;
using Herald.WebSockets;
using Microsoft.Extensions.Logging;

namespace Herald.Protocol;

/// <summary>
/// The seed flavour (no subprotocol, or <c>herald.seed</c>): the client's one meaningful message is its login,
/// <c>{"uid":"..."}</c> or <c>{"token":"..."}</c>, unless its handshake already logged it in, and every message
/// reaches it as its raw text. Other text is ignored, as the seed's server ignored it. It cannot refresh a
/// credential: the connection is closed when it expires.
/// </summary>
internal sealed class SeedSession(WebSocketConnection connection, ConnectionRegistry registry, SessionServices services, HandshakeCredentials? handshake)
    : WireSession(connection, registry, services, handshake)
{
    private bool _loggedInByHandshake;

    protected override string FlavourName => "seed";

    public override MessageFormat Format => SeedFormat.Instance;

    protected override ValueTask OnHandshakeIdentityAsync(ConnectionIdentity identity)
    {
        _loggedInByHandshake = LogIn(identity, joining: false);
        return ValueTask.CompletedTask;
    }

    protected override async ValueTask OnTextAsync(ReadOnlyMemory<byte> message)
    {
        var outcome = LoginMessage.Parse(message.Span, Services.Options.MaxUserIdLength, out var userId, out var token, out var error);
        switch (outcome)
        {
            case LoginParseOutcome.NotALogin:
                if (MayLogRefusal(LogLevel.Debug))
                {
                    Log.ClientMessageIgnored(Services.Logger, Connection.Id, UserForLog, "text message that is not a login", message.Length);
                }

                break;
            case LoginParseOutcome.Invalid:
                RejectLogin(HeraldCloseCodes.InvalidLogin, error!, error!);
                break;
            case LoginParseOutcome.Valid when UserId is not null:
                OnLoginWhileLoggedIn(userId, token, message.Length);
                break;
            case LoginParseOutcome.Valid when token is not null:
                await LogInWithTokenAsync(token, userId);
                break;
            case LoginParseOutcome.Valid:
                if (AnonymousIdentity(userId!) is { } anonymous)
                {
                    LogIn(anonymous, joining: false);
                }

                break;
        }
    }

    private async ValueTask LogInWithTokenAsync(string token, string? userId)
    {
        var check = await Services.Authority.CheckTokenAsync(token, CancellationToken.None);
        if (check.Identity is not { } identity)
        {
            RejectCredential(check);
        }
        else if (userId is not null && userId != identity.UserId)
        {
            RejectLogin(HeraldCloseCodes.LoginRefused, "uid is not the token's user", "a uid that is not the token's sub");
        }
        else if (!Connection.IsClosing)
        {
            LogIn(identity, joining: false);
        }
    }

    /// <summary>
    /// A page logged in by its handshake may still send the seed's <c>{"uid":"..."}</c> for itself: that is
    /// ignored. Naming anyone else, or a second login of any other kind, closes the connection.
    /// </summary>
    private void OnLoginWhileLoggedIn(string? userId, string? token, int length)
    {
        if (_loggedInByHandshake && token is null && userId == UserId)
        {
            if (MayLogRefusal(LogLevel.Debug))
            {
                Log.ClientMessageIgnored(Services.Logger, Connection.Id, UserForLog, "login for the user its handshake logged it in as", length);
            }

            return;
        }

        if (_loggedInByHandshake && token is null)
        {
            RejectLogin(HeraldCloseCodes.LoginRefused, "uid is not the credential's user", "a uid that is not the handshake credential's user");
            return;
        }

        RejectLogin(HeraldCloseCodes.AlreadyLoggedIn, "already logged in", "a second login on a logged-in connection");
    }
}
