namespace Herald.WebSockets;

/// <summary>What <see cref="ClientFrameParser.TryParseHeader"/> found.</summary>
internal enum FrameHeaderStatus
{
    /// <summary>A whole, valid header.</summary>
    Complete,

    /// <summary>The buffer ends inside the header: read more and try again.</summary>
    Incomplete,

    /// <summary>The header breaks RFC 6455: close the connection with 1002.</summary>
    ProtocolError,
}
