using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Herald.Streams;

/// <summary>
/// Message IDs: UUIDv7 (RFC 9562) whose 12 bits after the version are a counter within the millisecond
/// (the RFC's "fixed bit-length dedicated counter"), so that the IDs one server makes strictly increase, even
/// within a millisecond and when the clock steps back. Guid.CreateVersion7 fills those bits at random, so two IDs
/// of the same millisecond came out in either order.
/// </summary>
internal sealed class MessageIdGenerator
{
    private const int CounterBits = 12;

    // The random half of 64 IDs per call into the system's generator instead of one ID's: a call per ID was about 6 %
    // of the server's CPU under /send at full load (perf: OpenSSL's RAND_bytes and its parameter lookups). Each
    // thread draws from its own pool, and every byte of it goes into one ID only.
    private const int RandomPoolBytes = 64 * 8;

    [ThreadStatic]
    private static byte[]? t_randomPool;

    [ThreadStatic]
    private static int t_randomUsed;

    // The last ID's millisecond and counter, as (unix milliseconds << CounterBits) | counter.
    private long _last;

    public Guid Next(DateTimeOffset time)
    {
        var earliest = time.ToUnixTimeMilliseconds() << CounterBits;
        long last;
        long next;
        do
        {
            last = Volatile.Read(ref _last);

            // A full counter carries into the millisecond: the ID runs ahead of the clock by a millisecond, still unique and ordered.
            next = Math.Max(earliest, last + 1);
        }
        while (Interlocked.CompareExchange(ref _last, next, last) != last);

        Span<byte> bytes = stackalloc byte[16];
        var milliseconds = next >> CounterBits;
        var counter = next & ((1 << CounterBits) - 1);
        BinaryPrimitives.WriteInt64BigEndian(bytes, (milliseconds << 16) | (0x7L << CounterBits) | counter);
        NextRandom().CopyTo(bytes[8..]);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>Eight bytes from the system's cryptographically secure generator, never handed out before.</summary>
    private static ReadOnlySpan<byte> NextRandom()
    {
        var pool = t_randomPool;
        if (pool is null || t_randomUsed == pool.Length)
        {
            pool = t_randomPool ??= new byte[RandomPoolBytes];
            RandomNumberGenerator.Fill(pool);
            t_randomUsed = 0;
        }

        var random = pool.AsSpan(t_randomUsed, 8);
        t_randomUsed += 8;
        return random;
    }
}
