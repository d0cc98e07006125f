using System.Buffers.Text;
using Herald.Streams;

namespace Herald.Redis;

/// <summary>
/// A kept message in a stream's history list, as <see cref="PublishScript"/> appends it:
/// <c>{seq}\n{time ticks}\n{record}</c>, the record as <see cref="RetainedRecord"/> writes it.
/// </summary>
internal static class HistoryEntry
{
    /// <returns>False when <paramref name="entry"/> is not one (written by another program), which a read skips.</returns>
    public static bool TryRead(ReadOnlySpan<byte> entry, out long seq, out long ticks, out ReadOnlySpan<byte> record)
    {
        record = default;
        ticks = 0;
        if (!TryReadNumber(ref entry, out seq) || !TryReadNumber(ref entry, out ticks) || ticks > DateTimeOffset.MaxValue.UtcTicks
            || !RetainedRecord.IsWellFormed(entry))
        {
            return false;
        }

        record = entry;
        return true;
    }

    /// <summary>A decimal number and the newline after it, taken off the front of <paramref name="bytes"/>.</summary>
    public static bool TryReadNumber(ref ReadOnlySpan<byte> bytes, out long value)
    {
        var newline = bytes.IndexOf((byte)'\n');
        if (newline <= 0 || !Utf8Parser.TryParse(bytes[..newline], out value, out var consumed) || consumed != newline || value < 0)
        {
            value = 0;
            return false;
        }

        bytes = bytes[(newline + 1)..];
        return true;
    }
}
