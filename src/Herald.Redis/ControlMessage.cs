using System.Buffers.Text;
using System.Text;

namespace Herald.Redis;

/// <summary>
/// A command from one node to the others on the control channel: <c>disconnect\n{sender}\n{uid length}\n{uid}{reason}</c>
/// (lengths in UTF-8 bytes; user IDs may hold any character).
/// </summary>
internal readonly record struct ControlMessage(string Sender, string UserId, string Reason)
{
    private const string DisconnectVerb = "disconnect";

    public byte[] ToBytes()
    {
        var userId = Encoding.UTF8.GetBytes(UserId);
        return [.. Encoding.UTF8.GetBytes($"{DisconnectVerb}\n{Sender}\n{userId.Length}\n"), .. userId, .. Encoding.UTF8.GetBytes(Reason)];
    }

    /// <returns>Null when <paramref name="bytes"/> is not a control message.</returns>
    public static ControlMessage? Read(ReadOnlySpan<byte> bytes)
    {
        if (!TryReadLine(ref bytes, out var verb) || verb != DisconnectVerb
            || !TryReadLine(ref bytes, out var sender)
            || !TryReadLine(ref bytes, out var length)
            || !Utf8Parser.TryParse(Encoding.ASCII.GetBytes(length), out int userIdBytes, out var consumed)
            || consumed != length.Length || userIdBytes <= 0 || userIdBytes > bytes.Length)
        {
            return null;
        }

        return new ControlMessage(sender, Encoding.UTF8.GetString(bytes[..userIdBytes]), Encoding.UTF8.GetString(bytes[userIdBytes..]));
    }

    private static bool TryReadLine(ref ReadOnlySpan<byte> bytes, out string line)
    {
        var newline = bytes.IndexOf((byte)'\n');
        if (newline < 0)
        {
            line = string.Empty;
            return false;
        }

        line = Encoding.UTF8.GetString(bytes[..newline]);
        bytes = bytes[(newline + 1)..];
        return true;
    }
}
