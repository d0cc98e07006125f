namespace Herald.Protocol;

/// <summary>
/// What a WebSocket's upgrade request carried that can prove who the client is, read by either WebSocket path only
/// when authentication needs it, and kept only until the login has been decided.
/// </summary>
/// <param name="Token">
/// A token sent in the upgrade, for clients that cannot send one in the login message: the <c>access_token</c>
/// query parameter or a <c>herald.token.&lt;token&gt;</c> offer in <c>Sec-WebSocket-Protocol</c>.
/// </param>
/// <param name="Headers">
/// The headers the connect hook is given: <c>Cookie</c>, <c>Origin</c> and the configured others, by name as
/// configured (several lines of one header joined with ", ", of Cookie with "; ").
/// </param>
/// <param name="RemoteAddress">The client's address, as the connection reports it.</param>
internal sealed record HandshakeCredentials(string? Token, IReadOnlyList<KeyValuePair<string, string>> Headers, string RemoteAddress);
