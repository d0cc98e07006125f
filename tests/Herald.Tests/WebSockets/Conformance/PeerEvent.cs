namespace Herald.Tests.WebSockets.Conformance;

/// <summary>What a read from the server brought.</summary>
public enum PeerEventKind
{
    /// <summary>A whole frame.</summary>
    Frame,

    /// <summary>The server ended the TCP connection cleanly (FIN): the read returned 0.</summary>
    Ended,

    /// <summary>The connection was reset (RST), or aborted on the server's side without a FIN.</summary>
    Reset,

    /// <summary>Nothing within the timeout.</summary>
    TimedOut,
}

/// <summary>The next thing the server did: a frame, the end of the connection (clean or reset), or nothing in time.</summary>
public readonly record struct PeerEvent(PeerEventKind Kind, ReceivedFrame? Frame = null)
{
    public static PeerEvent Ended { get; } = new(PeerEventKind.Ended);

    public static PeerEvent Reset { get; } = new(PeerEventKind.Reset);

    public static PeerEvent TimedOut { get; } = new(PeerEventKind.TimedOut);

    public override string ToString() => Kind switch
    {
        PeerEventKind.Frame => Frame!.ToString(),
        PeerEventKind.Ended => "the TCP connection ended (FIN)",
        PeerEventKind.Reset => "the TCP connection was reset",
        _ => "nothing (timed out)",
    };
}
