using System.Buffers;
using System.Text.Unicode;

namespace Herald.WebSockets;

/// <summary>
/// Checks a text message as UTF-8 piece by piece, as its bytes arrive (RFC 6455 §8.1), so that a message is
/// failed on the first bad byte instead of once it is whole, and a code point split across frames or reads is
/// still read correctly. The rules are those of the Unicode Standard's table 3-7 (well-formed UTF-8 byte
/// sequences): no overlong forms, no surrogates, nothing above U+10FFFF.
/// </summary>
internal struct Utf8Validator
{
    // Continuation bytes the current code point still needs, and the range the next one must fall in.
    private int _needed;
    private byte _lower;
    private byte _upper;

    /// <summary>True when the bytes so far end on a code point boundary: the message may end here.</summary>
    public readonly bool IsComplete => _needed == 0;

    public void Reset() => this = default;

    /// <returns>False at the first byte that cannot be part of well-formed UTF-8.</returns>
    public bool TryAppend(ReadOnlySpan<byte> bytes)
    {
        // First the code point a previous piece left unfinished, if any.
        var i = 0;
        while (_needed > 0 && i < bytes.Length)
        {
            if (!TryContinue(bytes[i++]))
            {
                return false;
            }
        }

        // The common case: whole code points only, checked at vector speed.
        var rest = bytes[i..];
        if (rest.IsEmpty || Utf8.IsValid(rest))
        {
            return true;
        }

        // Either invalid, or valid up to a code point cut off at the end: decoding tells which, and where.
        Span<char> scratch = stackalloc char[256];
        while (true)
        {
            var status = Utf8.ToUtf16(rest, scratch, out var read, out _, replaceInvalidSequences: false, isFinalBlock: false);
            rest = rest[read..];
            switch (status)
            {
                case OperationStatus.Done:
                    return true;
                case OperationStatus.DestinationTooSmall:
                    continue;
                case OperationStatus.InvalidData:
                    return false;
            }

            // NeedMoreData: rest is the start of a code point (1 to 3 bytes) that the next piece finishes.
            if (!TryStart(rest[0]))
            {
                return false;
            }

            foreach (var next in rest[1..])
            {
                if (!TryContinue(next))
                {
                    return false;
                }
            }

            return true;
        }
    }

    private bool TryContinue(byte next)
    {
        if (next < _lower || next > _upper)
        {
            return false;
        }

        _needed--;
        (_lower, _upper) = (0x80, 0xBF);
        return true;
    }

    private bool TryStart(byte lead)
    {
        (_lower, _upper) = (0x80, 0xBF);
        switch (lead)
        {
            case >= 0xC2 and <= 0xDF:
                _needed = 1;
                return true;
            case 0xE0:
                (_needed, _lower) = (2, 0xA0);
                return true;
            case 0xED:
                (_needed, _upper) = (2, 0x9F);
                return true;
            case >= 0xE1 and <= 0xEF:
                _needed = 2;
                return true;
            case 0xF0:
                (_needed, _lower) = (3, 0x90);
                return true;
            case >= 0xF1 and <= 0xF3:
                _needed = 3;
                return true;
            case 0xF4:
                (_needed, _upper) = (3, 0x8F);
                return true;
            default:
                return false;
        }
    }
}
