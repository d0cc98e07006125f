using System.Buffers.Binary;
using System.Net;

namespace Herald.Connections;

/// <summary>
/// What the per-address limit counts a client by, as 128 bits so that making one allocates nothing: an IPv4 address
/// (also when written IPv4-mapped, as a dual-stack socket reports it) as itself, an IPv6 address by its /64 prefix,
/// since one IPv6 host may pick any address of its /64.
/// </summary>
internal readonly record struct AddressKey(ulong High, ulong Low)
{
    private const ulong MappedPrefix = 0xFFFF_0000_0000;

    /// <summary>The key of <paramref name="address"/>, and whether it is a loopback address (127.0.0.0/8 or ::1).</summary>
    public static AddressKey From(IPAddress address, out bool isLoopback)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        if (written == 4)
        {
            isLoopback = bytes[0] == 127;
            return new AddressKey(0, MappedPrefix | ReadUInt32(bytes));
        }

        var high = ReadUInt64(bytes);
        var low = ReadUInt64(bytes[8..]);
        if (high == 0 && (low >> 32) == 0xFFFF)
        {
            isLoopback = bytes[12] == 127;
            return new AddressKey(0, low);
        }

        isLoopback = high == 0 && low == 1;
        return new AddressKey(high, 0);
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt32BigEndian(bytes);

    private static ulong ReadUInt64(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt64BigEndian(bytes);
}
