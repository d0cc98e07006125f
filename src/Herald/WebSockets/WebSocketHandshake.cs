using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Herald.WebSockets;

/// <summary>The server's half of the opening handshake (RFC 6455 §4.2).</summary>
internal static class WebSocketHandshake
{
    private const int KeyLength = 24;
    private const int KeyBytes = 16;

    private static ReadOnlySpan<byte> AcceptGuid => "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8;

    /// <summary>RFC 6455 §4.2.2: base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).</summary>
    [SuppressMessage("Security", "CA5350:Do not use weak cryptographic algorithms", Justification = "RFC 6455 fixes SHA-1 here; it proves the server speaks WebSocket, it protects nothing.")]
    public static string ComputeAcceptKey(string secWebSocketKey)
    {
        ArgumentNullException.ThrowIfNull(secWebSocketKey);

        // A valid key is 24 ASCII characters; anything longer only comes from a caller that skipped IsValidKey.
        var keyLength = Encoding.UTF8.GetByteCount(secWebSocketKey);
        var length = keyLength + AcceptGuid.Length;
        Span<byte> input = length <= 128 ? stackalloc byte[128] : new byte[length];
        input = input[..length];
        Encoding.UTF8.GetBytes(secWebSocketKey, input);
        AcceptGuid.CopyTo(input[keyLength..]);

        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input, hash);
        return Convert.ToBase64String(hash);
    }

    /// <summary>True when <paramref name="key"/> is the base64 encoding of exactly 16 bytes (24 characters ending "==").</summary>
    public static bool IsValidKey([NotNullWhen(true)] string? key) =>
        key is { Length: KeyLength }
        && key.EndsWith("==", StringComparison.Ordinal)
        && Base64.IsValid(key, out var decodedLength)
        && decodedLength == KeyBytes;
}
