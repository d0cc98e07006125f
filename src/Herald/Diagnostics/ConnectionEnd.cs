namespace Herald.Diagnostics;

/// <summary>How a WebSocket connection ended, for the <c>herald.connections.closed</c> metric: who closed it, if anyone did.</summary>
internal enum ConnectionEnd
{
    /// <summary>The client sent a Close first.</summary>
    ClientClosed,

    /// <summary>The server sent a Close first, with a close code (a slow consumer, a disconnect, a shutdown, a broken protocol...).</summary>
    ServerClosed,

    /// <summary>No close handshake began: the connection dropped, failed or was aborted.</summary>
    Lost,
}
