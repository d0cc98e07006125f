using Herald.Routing;
using Herald.Streams;
using Herald.WebSockets;
using Microsoft.Extensions.Logging;

namespace Herald.Protocol;

/// <summary>
/// The seed flavour (no subprotocol): the client's one meaningful message is <c>{"uid":"..."}</c>, and every
/// message reaches it as its raw text. Other text is ignored, as the seed's server ignored it.
/// </summary>
internal sealed class SeedSession(WebSocketConnection connection, ConnectionRegistry registry, SessionServices services)
    : WireSession(connection, registry, services)
{
    public override MessageFormat Format => SeedFormat.Instance;

    protected override ValueTask OnTextAsync(ReadOnlyMemory<byte> message)
    {
        var outcome = LoginMessage.Parse(message.Span, Services.Options.MaxUserIdLength, out var userId, out var error);
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
                RejectLogin(HeraldCloseCodes.AlreadyLoggedIn, "already logged in", "a second login on a logged-in connection");
                break;
            case LoginParseOutcome.Valid:
                LogIn(userId!, joining: false);
                break;
        }

        return ValueTask.CompletedTask;
    }
}
