namespace Herald.Tests.WebSockets.Conformance;

/// <summary>What the server must do once a step's bytes are written, after the Pongs the step expects.</summary>
public enum Outcome
{
    /// <summary>Nothing more: the next step follows (the connection must still be open for it).</summary>
    Continues,

    /// <summary>The connection is still open: a Ping sent now gets its Pong.</summary>
    Accepted,

    /// <summary>
    /// Accepted, and the message was the seed login of <see cref="Expectation.Uid"/>: a <c>/send</c> to that user
    /// reaches this connection, as one text frame.
    /// </summary>
    LoginAccepted,

    /// <summary>
    /// The server's next frame is a Close with <see cref="Expectation.CloseCode"/>; unless the peer has sent its
    /// own Close already, it answers with one; the server then ends the TCP connection cleanly (FIN, no reset).
    /// </summary>
    Closes,
}

/// <summary>The exact observable result of one step of a case.</summary>
public sealed record Expectation(Outcome Outcome)
{
    public int CloseCode { get; init; }

    public string? Uid { get; init; }

    /// <summary>The Pongs that must come first, with these payloads, in this order.</summary>
    public IReadOnlyList<byte[]> Pongs { get; init; } = [];

    /// <summary>
    /// For Pings sent back to back: the server may answer only the most recent (RFC 6455 §5.5.3), so any Pongs
    /// in order are fine as long as the last Ping's comes.
    /// </summary>
    public bool OnlyLastPongRequired { get; init; }

    /// <summary>Whether the peer answers the server's Close with its own: false when the peer has sent one already.</summary>
    public bool PeerAnswersClose { get; init; } = true;

    /// <summary>
    /// Whether the server must then end the TCP connection cleanly. False only where the peer cannot complete
    /// the handshake: its Close would be read as the payload of a frame the server is still skipping.
    /// </summary>
    public bool EndsCleanly { get; init; } = true;

    public static Expectation Continues() => new(Outcome.Continues);

    public static Expectation Accepted() => new(Outcome.Accepted);

    public static Expectation LoginAccepted(string uid) => new(Outcome.LoginAccepted) { Uid = uid };

    public static Expectation Closes(int code) => new(Outcome.Closes) { CloseCode = code };

    /// <summary>The peer sent a Close (or a broken one) itself: the server's Close with this code answers it, then a clean end.</summary>
    public static Expectation ClosesAfterPeerClose(int code) => new(Outcome.Closes) { CloseCode = code, PeerAnswersClose = false };

    /// <summary>A Close with this code and nothing more: the peer cannot answer it (see <see cref="EndsCleanly"/>).</summary>
    public static Expectation ClosesWhileSkipping(int code) => new(Outcome.Closes) { CloseCode = code, PeerAnswersClose = false, EndsCleanly = false };

    public Expectation AfterPongs(params byte[][] payloads) => this with { Pongs = payloads };

    public override string ToString()
    {
        var pongs = Pongs.Count == 0 ? "" : $"{(OnlyLastPongRequired ? "at least the last of " : "")}{Pongs.Count} Pong(s), then ";
        var outcome = Outcome switch
        {
            Outcome.Continues => "nothing more",
            Outcome.Accepted => "message accepted (a Ping then gets its Pong)",
            Outcome.LoginAccepted => $"login of '{Uid}' accepted (a /send to it arrives)",
            _ => $"Close {CloseCode}{(PeerAnswersClose ? ", the peer's Close" : "")}{(EndsCleanly ? ", then a clean TCP end (FIN)" : "")}",
        };
        return pongs + outcome;
    }
}
