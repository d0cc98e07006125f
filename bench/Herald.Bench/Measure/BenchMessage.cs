using System.Buffers.Text;

namespace Herald.Bench.Measure;

/// <summary>
/// The text every measured message carries: <c>user:seq:timestamp</c> (the target user's index, the message's
/// sequence number, and its send time in Stopwatch ticks), parsed from the received bytes without allocating.
/// </summary>
internal static class BenchMessage
{
    /// <summary>The user index of a message for every connection (a broadcast or a topic): <c>-1:seq:timestamp</c>.</summary>
    public const int Everyone = -1;

    private const byte Separator = (byte)':';

    public static string Format(int user, long seq, long timestamp) => $"{user}:{seq}:{timestamp}";

    public static bool TryParse(ReadOnlySpan<byte> utf8, out int user, out long seq, out long timestamp)
    {
        seq = 0;
        timestamp = 0;
        return Utf8Parser.TryParse(utf8, out user, out var consumed)
            && Skip(ref utf8, consumed)
            && Utf8Parser.TryParse(utf8, out seq, out consumed)
            && Skip(ref utf8, consumed)
            && Utf8Parser.TryParse(utf8, out timestamp, out consumed)
            && consumed == utf8.Length;
    }

    private static bool Skip(ref ReadOnlySpan<byte> utf8, int consumed)
    {
        if (consumed >= utf8.Length || utf8[consumed] != Separator)
        {
            return false;
        }

        utf8 = utf8[(consumed + 1)..];
        return true;
    }
}
