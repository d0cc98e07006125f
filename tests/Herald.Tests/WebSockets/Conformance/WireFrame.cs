using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Herald.Tests.WebSockets.Conformance;

/// <summary>How a <see cref="WireFrame"/> writes its payload length (RFC 6455 §5.2).</summary>
public enum LengthEncoding
{
    /// <summary>The fewest bytes: 7 bits up to 125, 16 bits up to 65535, 64 bits above.</summary>
    Minimal,

    /// <summary>Always the 16-bit form (126 and two bytes), whatever the length.</summary>
    Extended16,

    /// <summary>Always the 64-bit form (127 and eight bytes), whatever the length.</summary>
    Extended64,
}

/// <summary>
/// One client frame exactly as a test wants it on the wire: any FIN, RSV bits, opcode, masking and length
/// encoding, including a declared length that the payload does not have. Built once with <see cref="ToBytes"/>.
/// </summary>
public sealed record WireFrame
{
    /// <summary>RFC 6455 §5.3's example masking key: four different bytes, none of them zero.</summary>
    public const uint DefaultMaskKey = 0x37FA213D;

    public bool Fin { get; init; } = true;

    /// <summary>RSV1, RSV2 and RSV3 as the three bits of a number from 0 to 7 (RSV1 is 4, as in Autobahn).</summary>
    public int Rsv { get; init; }

    /// <summary>The 4-bit opcode, reserved ones included.</summary>
    public int Opcode { get; init; }

    public ReadOnlyMemory<byte> Payload { get; init; }

    public bool Masked { get; init; } = true;

    public uint MaskKey { get; init; } = DefaultMaskKey;

    public LengthEncoding Length { get; init; }

    /// <summary>A payload length for the header that differs from <see cref="Payload"/>'s (only the payload is written).</summary>
    public ulong? DeclaredLength { get; init; }

    public static WireFrame Text(string text, bool fin = true) => new() { Opcode = 0x1, Payload = Encoding.UTF8.GetBytes(text), Fin = fin };

    public static WireFrame Text(ReadOnlyMemory<byte> utf8, bool fin = true) => new() { Opcode = 0x1, Payload = utf8, Fin = fin };

    public static WireFrame Binary(ReadOnlyMemory<byte> payload, bool fin = true) => new() { Opcode = 0x2, Payload = payload, Fin = fin };

    public static WireFrame Continuation(ReadOnlyMemory<byte> payload, bool fin) => new() { Opcode = 0x0, Payload = payload, Fin = fin };

    public static WireFrame Continuation(string text, bool fin) => Continuation(Encoding.UTF8.GetBytes(text), fin);

    public static WireFrame Ping(ReadOnlyMemory<byte> payload) => new() { Opcode = 0x9, Payload = payload };

    public static WireFrame Ping(string payload) => Ping(Encoding.UTF8.GetBytes(payload));

    public static WireFrame Pong(ReadOnlyMemory<byte> payload) => new() { Opcode = 0xA, Payload = payload };

    /// <summary>A Close frame with exactly this payload (none, one byte, a code and a reason...).</summary>
    public static WireFrame CloseRaw(ReadOnlyMemory<byte> payload) => new() { Opcode = 0x8, Payload = payload };

    public static WireFrame Close(int code, string reason = "") => CloseRaw(ClosePayload(code, Encoding.UTF8.GetBytes(reason)));

    public static byte[] ClosePayload(int code, ReadOnlySpan<byte> reason)
    {
        var payload = new byte[2 + reason.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
        reason.CopyTo(payload.AsSpan(2));
        return payload;
    }

    /// <summary>The frames one after the other, as one buffer.</summary>
    public static byte[] Concat(params IEnumerable<WireFrame> frames)
    {
        var parts = frames.Select(frame => frame.ToBytes()).ToList();
        var wire = new byte[parts.Sum(part => part.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(wire, offset);
            offset += part.Length;
        }

        return wire;
    }

    /// <summary>The frame's bytes: header, masking key, and the payload masked with it.</summary>
    public byte[] ToBytes()
    {
        var declared = DeclaredLength ?? (ulong)Payload.Length;
        var encoding = Length;
        if (encoding == LengthEncoding.Minimal)
        {
            encoding = declared switch
            {
                <= 125 => LengthEncoding.Minimal,
                <= ushort.MaxValue => LengthEncoding.Extended16,
                _ => LengthEncoding.Extended64,
            };
        }

        var lengthBytes = encoding switch
        {
            LengthEncoding.Extended16 => 2,
            LengthEncoding.Extended64 => 8,
            _ => 0,
        };
        var headerLength = 2 + lengthBytes + (Masked ? 4 : 0);
        var frame = new byte[headerLength + Payload.Length];
        frame[0] = (byte)((Fin ? 0x80 : 0) | ((Rsv & 0x7) << 4) | (Opcode & 0xF));
        var maskBit = Masked ? 0x80 : 0;
        switch (encoding)
        {
            case LengthEncoding.Extended16:
                frame[1] = (byte)(maskBit | 126);
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), checked((ushort)declared));
                break;
            case LengthEncoding.Extended64:
                frame[1] = (byte)(maskBit | 127);
                BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), declared);
                break;
            default:
                frame[1] = (byte)(maskBit | (int)declared);
                break;
        }

        var payload = frame.AsSpan(headerLength);
        Payload.Span.CopyTo(payload);
        if (Masked)
        {
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(2 + lengthBytes), MaskKey);
            Mask(payload, MaskKey);
        }

        return frame;
    }

    /// <summary>XORs <paramref name="payload"/> with the key, its first byte meeting the key's first (most significant) byte.</summary>
    public static void Mask(Span<byte> payload, uint maskKey)
    {
        Span<byte> key = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(key, maskKey);
        BinaryPrimitives.WriteUInt32BigEndian(key[4..], maskKey);
        var wideKey = MemoryMarshal.Read<ulong>(key);
        var wide = MemoryMarshal.Cast<byte, ulong>(payload);
        for (var i = 0; i < wide.Length; i++)
        {
            wide[i] ^= wideKey;
        }

        for (var i = wide.Length * sizeof(ulong); i < payload.Length; i++)
        {
            payload[i] ^= key[i & 3];
        }
    }

    public override string ToString() =>
        $"opcode {Opcode:X} fin={Fin} rsv={Rsv} {(Masked ? "masked" : "unmasked")} {DeclaredLength ?? (ulong)Payload.Length} bytes ({Length})";
}
