using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Herald.Diagnostics;

/// <summary>
/// Makes a client- or caller-supplied string safe for a log line, so that no client can forge a line, hide text
/// from the reader of a terminal or flood a line: each character that could do so is written as <c>\uXXXX</c>
/// (C0 and C1 controls with DEL, so CR, LF, TAB, NUL and ESC; the line and paragraph separators U+2028 and U+2029;
/// the bidirectional controls U+061C, U+200E, U+200F, U+202A to U+202E and U+2066 to U+2069; and any half of a
/// surrogate pair without its other half), a backslash as <c>\\</c> so that the escaping is unambiguous, and a
/// text longer than <see cref="MaxLength"/> is cut, ending in <c>…(N more)</c>. docs/operations.md describes it.
/// </summary>
internal static class LogText
{
    /// <summary>The most characters a text has once made safe, the <c>…(N more)</c> marker included.</summary>
    public const int MaxLength = 200;

    private const string MarkerStart = "…(";
    private const string MarkerEnd = " more)";

    // Every character that Write changes. A surrogate is only changed when it is not half of a pair; the search
    // finds every surrogate, and IndexOfUnsafe steps over the pairs.
    private static readonly SearchValues<char> Special = SearchValues.Create(SpecialCharacters());

    /// <summary>
    /// <paramref name="text"/> made safe for a log line. The same instance when nothing needs to change (the
    /// common case allocates nothing), null for null.
    /// </summary>
    [return: NotNullIfNotNull(nameof(text))]
    public static string? Escape(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var first = IndexOfUnsafe(text);
        if (first < 0 && text.Length <= MaxLength)
        {
            return text;
        }

        Span<char> buffer = stackalloc char[MaxLength];
        var written = Write(text, buffer, out var consumed);
        if (consumed == text.Length)
        {
            return new string(buffer[..written]);
        }

        // Too long: write again, leaving room for the marker with as many digits as the longest count could have.
        var markerRoom = MarkerStart.Length + Digits(text.Length) + MarkerEnd.Length;
        written = Write(text, buffer[..(MaxLength - markerRoom)], out consumed);
        Span<char> count = stackalloc char[10];
        (text.Length - consumed).TryFormat(count, out var digits, provider: CultureInfo.InvariantCulture);
        return string.Concat(buffer[..written], MarkerStart, count[..digits], MarkerEnd);
    }

    /// <summary>Whether Escape would write <paramref name="c"/> as <c>\uXXXX</c> when it is not half of a surrogate pair.</summary>
    public static bool IsEscaped(char c) =>
        c < '\u0020'
        || c is >= '\u007F' and <= '\u009F'
        || c is '\u061C' or '\u200E' or '\u200F'
        || c is >= '\u2028' and <= '\u202E'
        || c is >= '\u2066' and <= '\u2069'
        || char.IsSurrogate(c);

    /// <returns>The index of the first character Escape changes, or -1 when there is none.</returns>
    private static int IndexOfUnsafe(ReadOnlySpan<char> text)
    {
        var offset = 0;
        while (true)
        {
            var found = text[offset..].IndexOfAny(Special);
            if (found < 0)
            {
                return -1;
            }

            var index = offset + found;
            if (!IsPair(text, index))
            {
                return index;
            }

            offset = index + 2;
        }
    }

    /// <summary>Writes as much of <paramref name="text"/>, made safe, as fits: never half an escape, never half a pair.</summary>
    /// <returns>How many characters were written; <paramref name="consumed"/> says how many of the text's they stand for.</returns>
    private static int Write(ReadOnlySpan<char> text, Span<char> destination, out int consumed)
    {
        var written = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (IsPair(text, i))
            {
                if (written + 2 > destination.Length)
                {
                    break;
                }

                destination[written++] = c;
                destination[written++] = text[i + 1];
                i += 2;
                continue;
            }

            var width = c == '\\' ? 2 : IsEscaped(c) ? 6 : 1;
            if (written + width > destination.Length)
            {
                break;
            }

            if (width == 1)
            {
                destination[written] = c;
            }
            else if (width == 2)
            {
                destination[written] = '\\';
                destination[written + 1] = '\\';
            }
            else
            {
                destination[written] = '\\';
                destination[written + 1] = 'u';
                ((int)c).TryFormat(destination.Slice(written + 2, 4), out _, "X4", CultureInfo.InvariantCulture);
            }

            written += width;
            i++;
        }

        consumed = i;
        return written;
    }

    private static bool IsPair(ReadOnlySpan<char> text, int index) =>
        char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]);

    private static int Digits(int value)
    {
        var digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }

    private static string SpecialCharacters()
    {
        var characters = new List<char> { '\\' };
        for (var c = char.MinValue; c < char.MaxValue; c++)
        {
            if (IsEscaped(c))
            {
                characters.Add(c);
            }
        }

        return new string([.. characters]);
    }
}
