using System.Text;

namespace Herald.Delivery;

/// <summary>
/// A message prepared once for the wire. Every recipient's queue holds a reference to the same instance,
/// so fanning out costs no allocation per recipient.
/// </summary>
internal sealed class OutboundFrame
{
    private OutboundFrame(byte[] payload) => Payload = payload;

    /// <summary>The UTF-8 bytes of one text frame.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    public int Length => Payload.Length;

    public static OutboundFrame FromText(string text) => new(Encoding.UTF8.GetBytes(text));
}
