using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Herald.Tests.WebSockets.Conformance;

/// <summary>A frame the server sent, as it came off the wire; a masked one (servers never mask) keeps its payload as sent.</summary>
public sealed record ReceivedFrame(bool Fin, int Rsv, int Opcode, bool Masked, byte[] Payload)
{
    public const int CloseOpcode = 0x8;
    public const int PingOpcode = 0x9;
    public const int PongOpcode = 0xA;
    public const int TextOpcode = 0x1;

    public bool IsClose => Opcode == CloseOpcode;

    /// <summary>The status code of a Close frame (1005 when it has none).</summary>
    public int CloseCode => Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : 1005;

    public string CloseReason => Payload.Length > 2 ? Encoding.UTF8.GetString(Payload, 2, Payload.Length - 2) : "";

    public override string ToString() => Opcode switch
    {
        CloseOpcode => $"Close {CloseCode} '{CloseReason}'",
        PongOpcode => $"Pong [{Describe(Payload)}]",
        PingOpcode => $"Ping [{Describe(Payload)}]",
        TextOpcode => $"Text '{Truncate(Encoding.UTF8.GetString(Payload))}'",
        _ => $"opcode {Opcode:X} fin={Fin} rsv={Rsv} masked={Masked} {Payload.Length} bytes",
    };

    /// <summary>Reads the server frame at the start of <paramref name="buffer"/>, when it is all there.</summary>
    /// <param name="buffer">What has arrived.</param>
    /// <param name="frame">The frame.</param>
    /// <param name="length">Its length on the wire, header included (also when incomplete, once the header is there: 0 before).</param>
    public static bool TryParse(in ReadOnlySequence<byte> buffer, out ReceivedFrame? frame, out long length)
    {
        (frame, length) = (null, 0);
        Span<byte> head = stackalloc byte[14];
        var available = (int)Math.Min(buffer.Length, head.Length);
        buffer.Slice(0, available).CopyTo(head);
        if (available < 2)
        {
            return false;
        }

        var lengthCode = head[1] & 0x7F;
        var headerLength = 2 + lengthCode switch { 126 => 2, 127 => 8, _ => 0 } + ((head[1] & 0x80) != 0 ? 4 : 0);
        if (available < headerLength)
        {
            return false;
        }

        long payloadLength = lengthCode switch
        {
            126 => BinaryPrimitives.ReadUInt16BigEndian(head[2..]),
            127 => checked((long)BinaryPrimitives.ReadUInt64BigEndian(head[2..])),
            _ => lengthCode,
        };
        length = headerLength + payloadLength;
        if (buffer.Length < length)
        {
            return false;
        }

        frame = new ReceivedFrame(
            Fin: (head[0] & 0x80) != 0,
            Rsv: (head[0] >> 4) & 0x7,
            Opcode: head[0] & 0x0F,
            Masked: (head[1] & 0x80) != 0,
            Payload: buffer.Slice(headerLength, payloadLength).ToArray());
        return true;
    }

    public static string Describe(byte[] bytes) =>
        bytes.Length <= 32 ? Convert.ToHexString(bytes) : $"{Convert.ToHexString(bytes, 0, 16)}... {bytes.Length} bytes";

    private static string Truncate(string text) => text.Length <= 80 ? text : $"{text[..80]}... {text.Length} chars";
}
