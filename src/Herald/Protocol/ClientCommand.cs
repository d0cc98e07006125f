using Herald.Streams;

namespace Herald.Protocol;

/// <summary>The herald.v1 commands a client may send (docs/protocol.md, "Client to server").</summary>
internal enum CommandKind
{
    Login,
    Subscribe,
    Unsubscribe,
    Ping,

    /// <summary>A new token for a connection that logged in with one, before the old one expires.</summary>
    Refresh,
}

/// <summary>
/// A herald.v1 client message, read but not yet checked against the server's rules: <see cref="Uid"/> and
/// <see cref="Topic"/> are as sent (null when absent or not a string), and positions are well-formed.
/// <see cref="Token"/> is a login's or a refresh's token, not yet verified.
/// </summary>
internal sealed record ClientCommand(
    CommandKind Kind, string? Uid, string? Topic, StreamPosition? Position, IReadOnlyDictionary<string, StreamPosition>? Resume, string? Token = null);

/// <summary>A client message that is not a usable command: the herald.v1 error code, what was wrong, and the command's type when it had one.</summary>
internal sealed record CommandError(string Code, string Message, string? Command);
