using System.Text;
using Herald.Streams;

namespace Herald.Redis;

/// <summary>
/// A published message as it travels between nodes on a channel: what the publishing node knows (the stream's
/// name, the time, the message's record) then what the publish script adds (the epoch and seq), as
/// <c>{name length}\n{name}{time ticks}\n{epoch}\n{seq}\n{record}</c>. Names are length-prefixed because a user ID may hold any character.
/// </summary>
internal static class StreamPayload
{
    /// <summary>The part the publishing node writes; the script appends the epoch and seq, then the record.</summary>
    public static byte[] Header(StreamId stream, DateTimeOffset time)
    {
        var name = Encoding.UTF8.GetBytes(stream.Name);
        return [.. Encoding.ASCII.GetBytes($"{name.Length}\n"), .. name, .. Encoding.ASCII.GetBytes($"{time.UtcTicks}\n")];
    }

    /// <returns>Null when <paramref name="payload"/> is not a payload (another program publishing on Herald's channel).</returns>
    public static StreamMessage? Read(ReadOnlySpan<byte> payload)
    {
        if (!HistoryEntry.TryReadNumber(ref payload, out var nameLength) || nameLength > payload.Length)
        {
            return null;
        }

        var stream = StreamId.FromName(Encoding.UTF8.GetString(payload[..(int)nameLength]));
        payload = payload[(int)nameLength..];
        if (stream is null || !HistoryEntry.TryReadNumber(ref payload, out var ticks) || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return null;
        }

        var newline = payload.IndexOf((byte)'\n');
        if (newline <= 0)
        {
            return null;
        }

        var epoch = Encoding.ASCII.GetString(payload[..newline]);
        payload = payload[(newline + 1)..];
        if (!HistoryEntry.TryReadNumber(ref payload, out var seq) || !RetainedRecord.IsWellFormed(payload))
        {
            return null;
        }

        return new StreamMessage(stream, epoch, seq, RetainedRecord.Read(payload, new DateTimeOffset(ticks, TimeSpan.Zero)));
    }
}
