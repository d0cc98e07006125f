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

    public static string Describe(byte[] bytes) =>
        bytes.Length <= 32 ? Convert.ToHexString(bytes) : $"{Convert.ToHexString(bytes, 0, 16)}... {bytes.Length} bytes";

    private static string Truncate(string text) => text.Length <= 80 ? text : $"{text[..80]}... {text.Length} chars";
}
