using Herald.WebSockets;

namespace Herald.Delivery;

/// <summary>
/// A WebSocket frame built once, header and payload, ready for the wire. Every recipient's queue holds a
/// reference to the same instance and its send loop copies the same bytes, so fanning out costs no allocation
/// and no framing work per recipient.
/// </summary>
internal sealed class OutboundFrame
{
    private OutboundFrame(byte[] bytes, bool isMessage)
    {
        Bytes = bytes;
        IsMessage = isMessage;
    }

    /// <summary>The whole frame as it goes on the wire.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    public int Length => Bytes.Length;

    /// <summary>True for a published message; false for a control frame (ping, pong), which no count includes.</summary>
    public bool IsMessage { get; }

    /// <summary>A published text message.</summary>
    public static OutboundFrame Text(string text) => new(ServerFrame.CreateText(text), isMessage: true);

    /// <summary>A control frame (ping, pong) built by <see cref="ServerFrame"/>.</summary>
    public static OutboundFrame Control(byte[] frame) => new(frame, isMessage: false);
}
