namespace Herald.WebSockets;

/// <summary>
/// A WebSocket frame built once, header and payload, ready for the wire. Every recipient's queue holds a
/// reference to the same instance and its send loop copies the same bytes, so fanning out costs no allocation
/// and no framing work per recipient.
/// </summary>
internal sealed class OutboundFrame
{
    private OutboundFrame(byte[] bytes, bool isMessage, string? conflationKey, long acceptedAt = 0)
    {
        Bytes = bytes;
        IsMessage = isMessage;
        ConflationKey = conflationKey;
        AcceptedAt = acceptedAt;
    }

    /// <summary>The whole frame as it goes on the wire.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    public int Length => Bytes.Length;

    /// <summary>True for a published message; false for a reply to the client or a control frame, which no message count includes.</summary>
    public bool IsMessage { get; }

    /// <summary>The stream and key of a message published with a conflation key: a queued frame with the same one is replaced.</summary>
    public string? ConflationKey { get; }

    /// <summary>When its message's publish was accepted (a timestamp of the server's clock); 0 for a replayed message and a control frame.</summary>
    public long AcceptedAt { get; }

    /// <summary>A published message, in the wire flavour of the connections it is for.</summary>
    /// <param name="frame">The whole frame.</param>
    /// <param name="conflationKey">The stream and key, when the message has a conflation key.</param>
    /// <param name="acceptedAt">When the publish was accepted, for the delivery latency; 0 for a replayed message.</param>
    public static OutboundFrame Message(byte[] frame, string? conflationKey, long acceptedAt = 0) => new(frame, isMessage: true, conflationKey, acceptedAt);

    /// <summary>A frame that answers the client (a herald.v1 reply), or a control frame (ping, pong) built by <see cref="ServerFrame"/>.</summary>
    /// <param name="frame">The whole frame.</param>
    /// <param name="replaceKey">When set, the frame replaces a queued one with the same key (one answer waiting, not many).</param>
    public static OutboundFrame Control(byte[] frame, string? replaceKey = null) => new(frame, isMessage: false, replaceKey);
}
