namespace Herald.Connections;

/// <summary>
/// A WebSocket upgrade the direct path takes, as <see cref="UpgradeHeadParser"/> read it: only the values the
/// handshake still needs. Every other check has passed by then.
/// </summary>
/// <param name="Path">The request's path, without the query string.</param>
/// <param name="WebSocketKey">The valid <c>Sec-WebSocket-Key</c>.</param>
/// <param name="Subprotocols">Every <c>Sec-WebSocket-Protocol</c> value, in order (each may be a list).</param>
internal sealed record UpgradeRequest(string Path, string WebSocketKey, IReadOnlyList<string> Subprotocols);
