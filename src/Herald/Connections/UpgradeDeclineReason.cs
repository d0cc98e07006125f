namespace Herald.Connections;

/// <summary>
/// Why the direct WebSocket path left a connection's first request to ASP.NET Core (event 214): one reason per
/// rule, as Kestrel names each refusal (its <c>RequestRejectionReason</c>). Declining is not refusing: Kestrel then
/// reads the same bytes and answers them itself, with 101 or with its own 400, 414, 426, 431 or 505.
/// </summary>
internal enum UpgradeDeclineReason
{
    /// <summary>The TLS handshake chose HTTP/2 (ALPN <c>h2</c>): only ASP.NET Core serves HTTP/2 and its WebSockets.</summary>
    Http2,

    /// <summary>The request does not start with <c>GET </c> (another method, lower case, HTTP/2's preface on a plain-text endpoint, a TLS handshake).</summary>
    MethodNotGet,

    /// <summary>The request line is not <c>GET SP request-target SP HTTP-version</c> with single spaces, or holds a NUL.</summary>
    InvalidRequestLine,

    /// <summary>The request-target is not origin-form (<c>/path?query</c>) of valid characters and percent-escapes.</summary>
    InvalidRequestTarget,

    /// <summary>The version is not exactly <c>HTTP/1.1</c> (HTTP/1.0 included: RFC 6455 needs 1.1 or later).</summary>
    UnsupportedHttpVersion,

    /// <summary>The request line, with its CRLF, is longer than Kestrel's <c>Limits.MaxRequestLineSize</c>.</summary>
    RequestLineTooLong,

    /// <summary>A line ends with a bare LF, without the CR before it.</summary>
    BareLineFeed,

    /// <summary>A CR is followed by something other than LF.</summary>
    BareCarriageReturn,

    /// <summary>A header line starts with a space or tab: obsolete line folding (RFC 9112 §5.2).</summary>
    ObsoleteLineFolding,

    /// <summary>A header name is followed by a space or tab before its colon (RFC 9112 §5.1).</summary>
    WhitespaceBeforeColon,

    /// <summary>A header line has no colon.</summary>
    MissingColon,

    /// <summary>A header name is empty or holds a character that is not a token character.</summary>
    InvalidHeaderName,

    /// <summary>A header value holds a control character, NUL or DEL, or a byte above 0x7F.</summary>
    InvalidHeaderValue,

    /// <summary>The header lines, with the blank line, are longer than Kestrel's <c>Limits.MaxRequestHeadersTotalSize</c>.</summary>
    HeadersTooLarge,

    /// <summary>There are more header lines than Kestrel's <c>Limits.MaxRequestHeaderCount</c>.</summary>
    TooManyHeaders,

    /// <summary>There is no <c>Host</c> header.</summary>
    MissingHost,

    /// <summary>There is more than one <c>Host</c> header.</summary>
    MultipleHosts,

    /// <summary>The <c>Host</c> header is not a valid host with an optional port, by Kestrel's rule.</summary>
    InvalidHost,

    /// <summary>A second <c>Upgrade</c>, <c>Sec-WebSocket-Key</c> or <c>Sec-WebSocket-Version</c> header.</summary>
    DuplicateHandshakeHeader,

    /// <summary>The request has a <c>Content-Length</c> or <c>Transfer-Encoding</c> header.</summary>
    RequestBody,

    /// <summary><c>Upgrade</c> does not list <c>websocket</c>, or <c>Connection</c> does not list <c>upgrade</c>.</summary>
    NotWebSocketUpgrade,

    /// <summary><c>Sec-WebSocket-Version</c> is missing or not <c>13</c>.</summary>
    UnsupportedWebSocketVersion,

    /// <summary><c>Sec-WebSocket-Key</c> is missing or not the base64 of 16 bytes.</summary>
    InvalidWebSocketKey,

    /// <summary>The path is not <c>{prefix}/ws</c> for a prefix passed to <c>MapHerald()</c>.</summary>
    NotHeraldPath,

    /// <summary><c>Sec-WebSocket-Protocol</c> lists subprotocols, none of them <c>herald.v1</c>.</summary>
    UnsupportedSubprotocol,

    /// <summary>Herald has begun shutting down and accepts no connection.</summary>
    ShuttingDown,

    /// <summary>
    /// A check made before the 101 (<see cref="UpgradeGate"/>: the origin allow-list) refuses it; ASP.NET Core's
    /// path makes the same check and answers with problem details.
    /// </summary>
    RefusedByGate,

    /// <summary>
    /// A limit checked before the 101 (<see cref="UpgradeGate.Admit"/>: connections from the client's address,
    /// connections waiting to log in) refuses it; no slot is held. ASP.NET Core's path makes the same check and
    /// answers with 429 or 503 and problem details.
    /// </summary>
    RefusedByLimit,

    /// <summary>The client ended its side of the connection before a whole head arrived.</summary>
    InputEnded,
}
