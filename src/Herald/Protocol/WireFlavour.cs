namespace Herald.Protocol;

/// <summary>Which of the two protocols a connection speaks, chosen at the handshake by Sec-WebSocket-Protocol.</summary>
internal enum WireFlavour
{
    /// <summary>No subprotocol: the seed's raw text frames.</summary>
    Seed,

    /// <summary><c>herald.v1</c>: JSON envelopes both ways.</summary>
    HeraldV1,
}
