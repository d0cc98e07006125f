using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Herald.WebSockets;

/// <summary>
/// Reads client-to-server frames (RFC 6455 §5.2) straight out of a pipe's buffer. Nothing here allocates:
/// the connection parses a header, slices the payload off the same buffer and unmasks it in place.
/// </summary>
internal static class ClientFrameParser
{
    // 2 fixed bytes + 8 bytes of 64-bit length + 4 bytes of mask key.
    private const int MaxHeaderLength = 14;
    private const int MaxControlPayloadLength = 125;

    /// <summary>Parses the frame header at the start of <paramref name="buffer"/> without consuming anything.</summary>
    /// <returns>
    /// <see cref="FrameHeaderStatus.Complete"/> with <paramref name="header"/> set; <see cref="FrameHeaderStatus.Incomplete"/>
    /// when the buffer ends inside the header; <see cref="FrameHeaderStatus.ProtocolError"/> with a short ASCII
    /// <paramref name="error"/> (at most 100 characters, fit for a 1002 Close reason).
    /// </returns>
    public static FrameHeaderStatus TryParseHeader(in ReadOnlySequence<byte> buffer, out ClientFrameHeader header, out string? error)
    {
        var first = buffer.FirstSpan;
        if (first.Length >= MaxHeaderLength || first.Length == buffer.Length)
        {
            return Parse(first, out header, out error);
        }

        // The header straddles segments: gather what there is of it (at most 14 bytes) on the stack.
        Span<byte> gathered = stackalloc byte[MaxHeaderLength];
        var length = (int)Math.Min(buffer.Length, MaxHeaderLength);
        buffer.Slice(0, length).CopyTo(gathered);
        return Parse(gathered[..length], out header, out error);
    }

    /// <summary>
    /// Reads only what it takes to step over the frame at the start of <paramref name="buffer"/>: its opcode and
    /// its whole length, header included. None of the rules is checked, so a connection that already failed can
    /// skip what the client still sends, frame by frame, until its Close.
    /// </summary>
    /// <returns>
    /// <see cref="FrameHeaderStatus.ProtocolError"/> only for a length that cannot be a length (the 64-bit field's
    /// most significant bit set): past that, nothing tells where the next frame starts.
    /// </returns>
    public static FrameHeaderStatus TryMeasure(in ReadOnlySequence<byte> buffer, out WebSocketOpcode opcode, out long frameLength)
    {
        opcode = default;
        frameLength = 0;
        Span<byte> bytes = stackalloc byte[MaxHeaderLength];
        var length = (int)Math.Min(buffer.Length, MaxHeaderLength);
        buffer.Slice(0, length).CopyTo(bytes);
        bytes = bytes[..length];
        if (bytes.Length < 2)
        {
            return FrameHeaderStatus.Incomplete;
        }

        opcode = (WebSocketOpcode)(bytes[0] & 0x0F);
        var lengthCode = bytes[1] & 0x7F;
        var lengthBytes = lengthCode switch
        {
            126 => 2,
            127 => 8,
            _ => 0,
        };
        if (bytes.Length < 2 + lengthBytes)
        {
            return FrameHeaderStatus.Incomplete;
        }

        var payloadLength = lengthBytes switch
        {
            2 => BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]),
            8 => BinaryPrimitives.ReadUInt64BigEndian(bytes[2..]),
            _ => (ulong)lengthCode,
        };
        var headerLength = 2 + lengthBytes + ((bytes[1] & 0x80) != 0 ? 4 : 0);
        if (payloadLength > long.MaxValue - (ulong)headerLength)
        {
            return FrameHeaderStatus.ProtocolError;
        }

        frameLength = headerLength + (long)payloadLength;
        return FrameHeaderStatus.Complete;
    }

    /// <summary>
    /// XORs <paramref name="payload"/> in place with the 4-byte mask (RFC 6455 §5.3). <paramref name="maskOffset"/>
    /// is how many bytes of this frame's payload were unmasked before, so a payload that arrives in several pieces
    /// unmasks correctly piece by piece.
    /// </summary>
    public static void Unmask(Span<byte> payload, uint maskKey, long maskOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maskOffset);

        // Turn the key so its first byte is the one payload[0] meets, then lay it out in memory order:
        // after that, every 4-byte-aligned chunk of the payload XORs with the same pattern.
        var key = BitOperations.RotateLeft(maskKey, (int)(maskOffset & 3) * 8);
        var pattern = BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(key) : key;
        var done = 0;

        if (Vector.IsHardwareAccelerated && payload.Length >= Vector<byte>.Count)
        {
            // Vector<byte>.Count is a multiple of 4, so the repeated pattern stays in phase from vector to vector.
            var mask = Vector.AsVectorByte(new Vector<uint>(pattern));
            var vectors = MemoryMarshal.Cast<byte, Vector<byte>>(payload);
            for (var i = 0; i < vectors.Length; i++)
            {
                vectors[i] ^= mask;
            }

            done = vectors.Length * Vector<byte>.Count;
        }

        var longs = MemoryMarshal.Cast<byte, ulong>(payload[done..]);
        var longMask = ((ulong)pattern << 32) | pattern;
        for (var i = 0; i < longs.Length; i++)
        {
            longs[i] ^= longMask;
        }

        done += longs.Length * sizeof(ulong);

        // Fewer than 8 bytes left, starting in phase (done is a multiple of 4).
        var tail = payload[done..];
        for (var i = 0; i < tail.Length; i++)
        {
            tail[i] ^= (byte)(key >> (24 - ((i & 3) * 8)));
        }
    }

    private static FrameHeaderStatus Parse(ReadOnlySpan<byte> bytes, out ClientFrameHeader header, out string? error)
    {
        header = default;
        error = null;
        if (bytes.IsEmpty)
        {
            return FrameHeaderStatus.Incomplete;
        }

        // Fail on the first byte already where it is wrong: no point waiting for the rest of a bad header.
        var fin = (bytes[0] & 0x80) != 0;
        if ((bytes[0] & 0x70) != 0)
        {
            return Fail("reserved bits set with no extension negotiated", out error);
        }

        var opcode = (WebSocketOpcode)(bytes[0] & 0x0F);
        if (opcode is not (WebSocketOpcode.Continuation or WebSocketOpcode.Text or WebSocketOpcode.Binary
            or WebSocketOpcode.Close or WebSocketOpcode.Ping or WebSocketOpcode.Pong))
        {
            return Fail("reserved opcode", out error);
        }

        var isControl = ((byte)opcode & 0x8) != 0;
        if (isControl && !fin)
        {
            return Fail("fragmented control frame", out error);
        }

        if (bytes.Length < 2)
        {
            return FrameHeaderStatus.Incomplete;
        }

        if ((bytes[1] & 0x80) == 0)
        {
            return Fail("client frame not masked", out error);
        }

        var lengthCode = bytes[1] & 0x7F;
        var lengthBytes = lengthCode switch
        {
            126 => 2,
            127 => 8,
            _ => 0,
        };
        var headerLength = 2 + lengthBytes + 4;
        if (bytes.Length < 2 + lengthBytes)
        {
            return FrameHeaderStatus.Incomplete;
        }

        // Non-minimal encodings (a 16- or 64-bit field holding a small length) are accepted: only the value counts.
        long payloadLength = lengthCode;
        if (lengthBytes == 2)
        {
            payloadLength = BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]);
        }
        else if (lengthBytes == 8)
        {
            var wide = BinaryPrimitives.ReadUInt64BigEndian(bytes[2..]);
            if (wide > long.MaxValue)
            {
                return Fail("64-bit payload length with the most significant bit set", out error);
            }

            payloadLength = (long)wide;
        }

        if (isControl && payloadLength > MaxControlPayloadLength)
        {
            return Fail("control frame payload over 125 bytes", out error);
        }

        if (bytes.Length < headerLength)
        {
            return FrameHeaderStatus.Incomplete;
        }

        var maskKey = BinaryPrimitives.ReadUInt32BigEndian(bytes[(2 + lengthBytes)..]);
        header = new ClientFrameHeader(fin, opcode, payloadLength, maskKey, headerLength);
        return FrameHeaderStatus.Complete;
    }

    private static FrameHeaderStatus Fail(string message, out string? error)
    {
        error = message;
        return FrameHeaderStatus.ProtocolError;
    }
}
