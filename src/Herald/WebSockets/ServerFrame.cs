using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Herald.WebSockets;

/// <summary>
/// Builds server-to-client frames (RFC 6455 §5.2). Server frames are never masked, so a frame is built once per
/// published message and the very same bytes go to every recipient.
/// </summary>
internal static class ServerFrame
{
    /// <summary>2 fixed bytes + 8 bytes of 64-bit length; no mask key.</summary>
    public const int MaxHeaderLength = 10;

    private const int MaxControlPayloadLength = 125;
    private const int MaxCloseReasonBytes = MaxControlPayloadLength - 2;

    public static int GetHeaderLength(int payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        return payloadLength switch
        {
            <= 125 => 2,
            <= ushort.MaxValue => 4,
            _ => 10,
        };
    }

    /// <summary>Writes a FIN frame header for <paramref name="opcode"/> and <paramref name="payloadLength"/>.</summary>
    /// <returns>How many bytes were written: <see cref="GetHeaderLength"/> of the payload length.</returns>
    public static int WriteHeader(Span<byte> destination, WebSocketOpcode opcode, int payloadLength)
    {
        var headerLength = GetHeaderLength(payloadLength);
        if (((byte)opcode & 0x8) != 0 && payloadLength > MaxControlPayloadLength)
        {
            throw new ArgumentOutOfRangeException(nameof(payloadLength), payloadLength, "A control frame's payload is at most 125 bytes.");
        }

        if (destination.Length < headerLength)
        {
            throw new ArgumentException($"The header needs {headerLength} bytes.", nameof(destination));
        }

        destination[0] = (byte)(0x80 | (byte)opcode);
        switch (headerLength)
        {
            case 2:
                destination[1] = (byte)payloadLength;
                break;
            case 4:
                destination[1] = 126;
                BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
                break;
            default:
                destination[1] = 127;
                BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
                break;
        }

        return headerLength;
    }

    /// <summary>A whole frame (header + payload) in one new array.</summary>
    public static byte[] Create(WebSocketOpcode opcode, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[GetHeaderLength(payload.Length) + payload.Length];
        var headerLength = WriteHeader(frame, opcode, payload.Length);
        payload.CopyTo(frame.AsSpan(headerLength));
        return frame;
    }

    /// <summary>
    /// A whole text frame, the text encoded as UTF-8 straight into the array after the header: exactly one
    /// allocation. Lone surrogates become U+FFFD, so the payload is always valid UTF-8.
    /// </summary>
    public static byte[] CreateText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var payloadLength = Encoding.UTF8.GetByteCount(text);
        var frame = new byte[GetHeaderLength(payloadLength) + payloadLength];
        var headerLength = WriteHeader(frame, WebSocketOpcode.Text, payloadLength);
        Encoding.UTF8.GetBytes(text, frame.AsSpan(headerLength));
        return frame;
    }

    /// <summary>
    /// A Close frame: the 2-byte big-endian <paramref name="code"/>, then <paramref name="reason"/> as UTF-8, cut at a
    /// character boundary so the payload stays within 125 bytes.
    /// </summary>
    public static byte[] CreateClose(int code, string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (!ClosePayload.IsValidCode(code))
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "Not a close code that may be sent on the wire.");
        }

        // Utf8.FromUtf16 stops before a character that does not fit whole, which is exactly the cut we want.
        Span<byte> reasonBytes = stackalloc byte[MaxCloseReasonBytes];
        Utf8.FromUtf16(reason, reasonBytes, out _, out var reasonLength);
        var payloadLength = 2 + reasonLength;
        var frame = new byte[2 + payloadLength];
        WriteHeader(frame, WebSocketOpcode.Close, payloadLength);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)code);
        reasonBytes[..reasonLength].CopyTo(frame.AsSpan(4));
        return frame;
    }
}
