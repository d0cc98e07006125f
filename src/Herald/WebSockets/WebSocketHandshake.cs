using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Herald.WebSockets;

/// <summary>The server's half of the opening handshake (RFC 6455 §4.2).</summary>
internal static class WebSocketHandshake
{
    /// <summary>The length of a valid <c>Sec-WebSocket-Key</c>: 16 bytes in base64.</summary>
    public const int KeyLength = 24;

    private const int KeyBytes = 16;
    private const int AcceptKeyLength = 28;

    private static ReadOnlySpan<byte> AcceptGuid => "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8;

    private static ReadOnlySpan<byte> SwitchingProtocols =>
        "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: "u8;

    private static ReadOnlySpan<byte> ProtocolHeader => "\r\nSec-WebSocket-Protocol: "u8;

    /// <summary>RFC 6455 §4.2.2: base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).</summary>
    public static string ComputeAcceptKey(string secWebSocketKey)
    {
        ArgumentNullException.ThrowIfNull(secWebSocketKey);

        // A valid key is 24 ASCII characters; anything longer only comes from a caller that skipped IsValidKey.
        var keyLength = Encoding.UTF8.GetByteCount(secWebSocketKey);
        Span<byte> key = keyLength <= 128 ? stackalloc byte[128] : new byte[keyLength];
        key = key[..keyLength];
        Encoding.UTF8.GetBytes(secWebSocketKey, key);
        Span<byte> accept = stackalloc byte[AcceptKeyLength];
        WriteAcceptKey(key, accept);
        return Encoding.ASCII.GetString(accept);
    }

    /// <summary>True when <paramref name="key"/> is the base64 encoding of exactly 16 bytes (24 characters ending "==").</summary>
    public static bool IsValidKey([NotNullWhen(true)] string? key) =>
        key is { Length: KeyLength }
        && key.EndsWith("==", StringComparison.Ordinal)
        && Base64.IsValid(key, out var decodedLength)
        && decodedLength == KeyBytes;

    /// <summary>The same check as <see cref="IsValidKey(string?)"/>, on the header's bytes.</summary>
    public static bool IsValidKey(ReadOnlySpan<byte> key) =>
        key.Length == KeyLength
        && key.EndsWith("=="u8)
        && Base64.IsValid(key, out var decodedLength)
        && decodedLength == KeyBytes;

    /// <summary>
    /// Writes the 101 that accepts <paramref name="key"/> (a valid key), naming <paramref name="subprotocol"/> when
    /// there is one, straight into <paramref name="output"/>: a connection's handshake leaves no garbage behind it
    /// (docs/benchmarks.md: garbage made between the objects a connection keeps becomes holes in the heap).
    /// </summary>
    public static void WriteAcceptResponse(IBufferWriter<byte> output, ReadOnlySpan<byte> key, string? subprotocol)
    {
        ArgumentNullException.ThrowIfNull(output);

        var length = SwitchingProtocols.Length + AcceptKeyLength + (subprotocol is null ? 0 : ProtocolHeader.Length + subprotocol.Length) + 4;
        var span = output.GetSpan(length);
        SwitchingProtocols.CopyTo(span);
        var written = SwitchingProtocols.Length;
        WriteAcceptKey(key, span.Slice(written, AcceptKeyLength));
        written += AcceptKeyLength;
        if (subprotocol is not null)
        {
            ProtocolHeader.CopyTo(span[written..]);
            written += ProtocolHeader.Length;
            written += Encoding.ASCII.GetBytes(subprotocol, span[written..]);
        }

        "\r\n\r\n"u8.CopyTo(span[written..]);
        output.Advance(written + 4);
    }

    [SuppressMessage("Security", "CA5350:Do not use weak cryptographic algorithms", Justification = "RFC 6455 fixes SHA-1 here; it proves the server speaks WebSocket, it protects nothing.")]
    private static void WriteAcceptKey(ReadOnlySpan<byte> key, Span<byte> destination)
    {
        var length = key.Length + AcceptGuid.Length;
        Span<byte> input = length <= 256 ? stackalloc byte[256] : new byte[length];
        input = input[..length];
        key.CopyTo(input);
        AcceptGuid.CopyTo(input[key.Length..]);

        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input, hash);
        Base64.EncodeToUtf8(hash, destination, out _, out _);
    }
}
