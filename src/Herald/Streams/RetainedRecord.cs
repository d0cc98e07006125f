using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Herald.Streams;

/// <summary>
/// How the history writes a kept message into its byte log, and reads it back the same: the message ID, whether
/// the content is JSON, the conflation key as UTF-16 (so that any string, even one with a lone surrogate, comes
/// back exactly) and the content's UTF-8. The stream, seq and time are in the history's entries, not here.
/// </summary>
internal static class RetainedRecord
{
    private const int IdBytes = 16;
    private const int FlagsAt = IdBytes;
    private const int KeyLengthAt = FlagsAt + 1;
    private const int HeaderBytes = KeyLengthAt + sizeof(int);
    private const byte JsonFlag = 1;
    private const int NoKey = -1;

    public static int LengthOf(PublishedMessage message) => HeaderBytes + (2 * (message.Key?.Length ?? 0)) + message.Content.Length;

    public static void Write(ByteLog log, PublishedMessage message)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        WriteHeader(header, message);
        log.Write(header);
        if (message.Key is { } key)
        {
            log.Write(MemoryMarshal.AsBytes(key.AsSpan()));
        }

        log.Write(message.Content.Utf8.Span);
    }

    /// <summary>The record as one array, for a history kept outside this process.</summary>
    public static byte[] ToArray(PublishedMessage message)
    {
        var record = new byte[LengthOf(message)];
        WriteHeader(record, message);
        var keyBytes = MemoryMarshal.AsBytes((message.Key ?? string.Empty).AsSpan());
        keyBytes.CopyTo(record.AsSpan(HeaderBytes));
        message.Content.Utf8.Span.CopyTo(record.AsSpan(HeaderBytes + keyBytes.Length));
        return record;
    }

    /// <summary>
    /// Whether <paramref name="record"/> can be read: its header is whole and its key fits. A record from outside
    /// this process (another node's, through Redis) is checked before it is read; the content's UTF-8 was checked
    /// when it was published.
    /// </summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> record)
    {
        if (record.Length < HeaderBytes || record[FlagsAt] > JsonFlag)
        {
            return false;
        }

        var keyLength = BinaryPrimitives.ReadInt32LittleEndian(record[KeyLengthAt..]);
        return keyLength == NoKey || (keyLength >= 0 && keyLength <= (record.Length - HeaderBytes) / 2);
    }

    private static void WriteHeader(Span<byte> header, PublishedMessage message)
    {
        message.Uuid.TryWriteBytes(header[..IdBytes]);
        header[FlagsAt] = message.Content.IsJson ? JsonFlag : (byte)0;
        BinaryPrimitives.WriteInt32LittleEndian(header[KeyLengthAt..], message.Key?.Length ?? NoKey);
    }

    /// <param name="record">One whole record, as <see cref="Write"/> wrote it.</param>
    /// <param name="time">The message's time, from the history's entry.</param>
    public static PublishedMessage Read(ReadOnlySpan<byte> record, DateTimeOffset time)
    {
        var id = new Guid(record[..IdBytes]);
        var keyLength = BinaryPrimitives.ReadInt32LittleEndian(record[KeyLengthAt..]);
        var keyBytes = keyLength == NoKey ? 0 : 2 * keyLength;
        var key = keyLength == NoKey ? null : new string(MemoryMarshal.Cast<byte, char>(record.Slice(HeaderBytes, keyBytes)));
        var utf8 = record[(HeaderBytes + keyBytes)..];
        var content = record[FlagsAt] == JsonFlag ? MessageContent.Json(utf8) : MessageContent.Text(utf8);
        return new PublishedMessage(id, time, content, key);
    }
}
