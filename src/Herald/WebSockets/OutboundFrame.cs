namespace Herald.WebSockets;

/// <summary>
/// A WebSocket frame built once, header and payload, ready for the wire. Every recipient's queue holds a
/// reference to the same instance and its send loop copies the same bytes, so fanning out costs no allocation
/// and no framing work per recipient.
/// </summary>
internal sealed class OutboundFrame
{
    private OutboundFrame(byte[] bytes, bool isMessage, string? conflationKey)
    {
        Bytes = bytes;
        IsMessage = isMessage;
        ConflationKey = conflationKey;
    }

    /// <summary>The whole frame as it goes on the wire.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    public int Length => Bytes.Length;

    /// <summary>True for a published message; false for a reply to the client or a control frame, which no message count includes.</summary>
    public bool IsMessage { get; }

    /// <summary>The stream and key of a message published with a conflation key: a queued frame with the same one is replaced.</summary>
    public string? ConflationKey { get; }

    /// <summary>A published message, in the wire flavour of the connections it is for.</summary>
    public static OutboundFrame Message(byte[] frame, string? conflationKey) => new(frame, isMessage: true, conflationKey);

    /// <summary>A frame that answers the client (a herald.v1 reply), or a control frame (ping, pong) built by <see cref="ServerFrame"/>.</summary>
    /// <param name="frame">The whole frame.</param>
    /// <param name="replaceKey">When set, the frame replaces a queued one with the same key (one answer waiting, not many).</param>
    public static OutboundFrame Control(byte[] frame, string? replaceKey = null) => new(frame, isMessage: false, replaceKey);
}
