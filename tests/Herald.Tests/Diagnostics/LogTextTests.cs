using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using Herald.Diagnostics;

namespace Herald.Tests.Diagnostics;

public sealed partial class LogTextTests
{
    // Characters a hostile client would use, weighted in so that random strings hit every rule and the cut often.
    private static readonly Gen<char> Hostile = Gen.Char["\r\n\t\0\u001B\u007F\u0085\u009B\u009F\u2028\u2029\u202A\u202E\u2066\u2069\u061C\u200E\u200F\\\ud800\udbff\udc00\udfff…( more)"];

    private static readonly Gen<string> AnyText = Gen.Frequency(
        (3, Gen.Char[' ', '~']),
        (3, Hostile),
        (2, Gen.Char),
        (1, Gen.Char['\ud800', '\udfff']))
        .Array[0, 300]
        .Select(chars => new string(chars));

    [Theory]
    [InlineData("ada")]
    [InlineData("")]
    [InlineData("tenant/42 héllo 用户 \U0001F600 \"quoted\" 'single' {json:1}")]
    public void Escape_SafeText_ReturnsTheSameInstance(string text)
    {
        Assert.Same(text, LogText.Escape(text));
    }

    [Fact]
    public void Escape_TextOfExactlyMaxLength_ReturnsTheSameInstance()
    {
        var text = new string('a', LogText.MaxLength);

        Assert.Same(text, LogText.Escape(text));
    }

    [Fact]
    public void Escape_Null_ReturnsNull()
    {
        Assert.Null(LogText.Escape(null));
    }

    [Theory]
    [InlineData("a\r\nforged line", @"a\u000D\u000Aforged line")]
    [InlineData("tab\there", @"tab\u0009here")]
    [InlineData("nul\0", @"nul\u0000")]
    [InlineData("\u001B[31mred\u001B[0m", @"\u001B[31mred\u001B[0m")]
    [InlineData("del\u007F", @"del\u007F")]
    [InlineData("c1 \u0080 \u0085 \u009B \u009F", @"c1 \u0080 \u0085 \u009B \u009F")]
    [InlineData("line\u2028para\u2029", @"line\u2028para\u2029")]
    [InlineData("admin\u202E\u2066txt.exe\u2069\u202A\u202B\u202C\u202D", @"admin\u202E\u2066txt.exe\u2069\u202A\u202B\u202C\u202D")]
    [InlineData("marks \u061C\u200E\u200F \u2067\u2068", @"marks \u061C\u200E\u200F \u2067\u2068")]
    [InlineData(@"back\slash", @"back\\slash")]
    [InlineData(@"looks escaped \u000A", @"looks escaped \\u000A")]
    public void Escape_UnsafeCharacters_AreWrittenAsEscapes(string text, string expected)
    {
        Assert.Equal(expected, LogText.Escape(text));
    }

    [Fact]
    public void Escape_Surrogates_LoneOnesAreEscapedAndPairsKept()
    {
        // Built in code: an attribute cannot hold a lone surrogate (it would arrive as U+FFFD).
        Assert.Equal(@"high \uD800 alone", LogText.Escape("high \ud800 alone"));
        Assert.Equal(@"low \uDC00 alone", LogText.Escape("low \udc00 alone"));
        Assert.Equal(@"reversed \uDE00\uD83D", LogText.Escape("reversed \ude00\ud83d"));
        Assert.Equal(@"at the end \uD83D", LogText.Escape("at the end \ud83d"));
        Assert.Equal(@"\uDC00 at the start", LogText.Escape("\udc00 at the start"));
        var pair = "pair \ud83d\ude00 kept";
        Assert.Same(pair, LogText.Escape(pair));
    }

    [Fact]
    public void Escape_TextOverMaxLength_IsCutWithAMarkerCountingTheRest()
    {
        var escaped = LogText.Escape(new string('a', 250));

        // Room is kept for a count of up to 3 digits (250 has 3): 200 - "…(".Length - 3 - " more)".Length = 189.
        Assert.Equal(new string('a', 189) + "…(61 more)", escaped);
        Assert.True(escaped.Length <= LogText.MaxLength);
    }

    [Fact]
    public void Escape_EscapeAtTheCut_IsNeverSplit()
    {
        var escaped = LogText.Escape(new string('a', 186) + "\n\n" + new string('b', 100));

        // 186 characters and one 6-character escape do not fit the 189 before the marker; the cut comes before it.
        Assert.Equal(new string('a', 186) + "…(102 more)", escaped);
    }

    [Fact]
    public void Escape_SurrogatePairAtTheCut_IsNeverSplit()
    {
        var escaped = LogText.Escape(new string('a', 188) + "\U0001F600" + new string('b', 100));

        Assert.Equal(new string('a', 188) + "…(102 more)", escaped);
    }

    [Fact]
    public void Escape_LongTextOfEscapes_StaysWithinMaxLength()
    {
        var escaped = LogText.Escape(new string('\n', 10_000));

        // 10,000 has 5 digits: 200 - 2 - 5 - 6 = 187 characters before the marker, so 31 escapes of 6.
        Assert.Equal(string.Concat(Enumerable.Repeat(@"\u000A", 31)) + "…(9969 more)", escaped);
    }

    [Fact]
    public void Escape_AnyText_HasNoControlCharacterLineBreakOrLoneSurrogateAndIsWithinMaxLength()
    {
        AnyText.Sample(text =>
        {
            var escaped = LogText.Escape(text);

            Assert.True(escaped.Length <= LogText.MaxLength, $"{escaped.Length} characters");
            Assert.DoesNotContain(escaped, c => char.IsControl(c) || c is '\u2028' or '\u2029');
            Assert.DoesNotContain(escaped, c => c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'));
            Assert.True(IsValidUtf16(escaped), "the output holds a lone surrogate");
        });
    }

    [Fact]
    public void Escape_AnySafeText_IsReturnedUnchanged()
    {
        var safe = Gen.Frequency((4, Gen.Char[' ', '~']), (1, Gen.Char))
            .Where(c => !LogText.IsEscaped(c) && c != '\\')
            .Array[0, LogText.MaxLength]
            .Select(chars => new string(chars));

        safe.Sample(text => Assert.Same(text, LogText.Escape(text)));
    }

    [Fact]
    public void Escape_AnyText_IsTheTextOrAPrefixOfItThatUnescapesBackExactly()
    {
        AnyText.Sample(text =>
        {
            var escaped = LogText.Escape(text);

            if (EscapedLength(text) <= LogText.MaxLength)
            {
                Assert.Equal(text, Unescape(escaped));
                return;
            }

            var marker = Marker().Match(escaped);
            Assert.True(marker.Success, $"no marker at the end of '{escaped}'");
            var more = int.Parse(marker.Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.InRange(more, 1, text.Length);
            Assert.Equal(text[..^more], Unescape(escaped[..marker.Index]));
        });
    }

    /// <summary>What the whole text takes once escaped, counted independently of LogText.</summary>
    private static int EscapedLength(string text)
    {
        var length = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                length += 2;
                i++;
            }
            else
            {
                length += c == '\\' ? 2 : char.IsControl(c) || char.IsSurrogate(c) || IsFormatControl(c) ? 6 : 1;
            }
        }

        return length;
    }

    private static bool IsFormatControl(char c) =>
        c is '\u2028' or '\u2029' or '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    private static string Unescape(string escaped)
    {
        var text = new StringBuilder();
        for (var i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] != '\\')
            {
                text.Append(escaped[i]);
            }
            else if (escaped[i + 1] == '\\')
            {
                text.Append('\\');
                i++;
            }
            else
            {
                Assert.Equal('u', escaped[i + 1]);
                text.Append((char)int.Parse(escaped.AsSpan(i + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 5;
            }
        }

        return text.ToString();
    }

    private static bool IsValidUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    [GeneratedRegex(@"…\((\d+) more\)$")]
    private static partial Regex Marker();
}
