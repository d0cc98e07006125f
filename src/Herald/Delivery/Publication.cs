using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Herald.Streams;

namespace Herald.Delivery;

/// <summary>A publish that passed every rule: its streams (no repeats), content, conflation key and idempotency key.</summary>
internal sealed class Publication(IReadOnlyList<StreamId> streams, MessageContent content, string? key, string? idempotencyKey)
{
    public IReadOnlyList<StreamId> Streams { get; } = streams;

    public MessageContent Content { get; } = content;

    public string? Key { get; } = key;

    public string? IdempotencyKey { get; } = idempotencyKey;

    /// <summary>
    /// A SHA-256 of everything that makes this message what it is (streams, content and conflation key), equal for a
    /// true retry. The idempotency store keeps these 32 bytes instead of the message, whatever its size.
    /// </summary>
    public byte[] Fingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendString(hash, Key);
        AppendInt(hash, Content.IsJson ? 1 : 0);
        AppendInt(hash, Content.Utf8.Length);
        hash.AppendData(Content.Utf8.Span);
        AppendInt(hash, Streams.Count);
        foreach (var stream in Streams)
        {
            AppendString(hash, stream.Name);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>Each field is prefixed with its length, so that no two different messages hash the same bytes.</summary>
    private static void AppendString(IncrementalHash hash, string? value)
    {
        AppendInt(hash, value?.Length ?? -1);
        hash.AppendData(MemoryMarshal.AsBytes(value.AsSpan()));
    }

    private static void AppendInt(IncrementalHash hash, int value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        hash.AppendData(bytes);
    }
}
