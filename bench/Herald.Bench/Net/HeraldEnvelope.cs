namespace Herald.Bench.Net;

/// <summary>What a herald.v1 frame from the server is, as far as the generator cares.</summary>
internal enum EnvelopeKind
{
    /// <summary>Not a JSON envelope: a seed-flavour message's raw text.</summary>
    NotAnEnvelope,

    /// <summary><c>{"type":"message",...}</c>: its <c>data</c> string was found.</summary>
    Message,

    /// <summary><c>{"type":"joined","stream":"topic:...",...}</c>: a topic subscription took effect.</summary>
    TopicJoined,

    /// <summary>Any other envelope (welcome, joined for the user or broadcast stream, pong, error), or a message without string data.</summary>
    Other,
}

/// <summary>
/// Picks the <c>data</c> string out of a herald.v1 <c>message</c> envelope without a JSON parser. That is safe for
/// the envelopes the server writes for bench messages: their fields before <c>data</c> (type, stream, epoch, id,
/// time) are names, base64url, hex digits and a timestamp, none of which can hold <c>,"data":"</c>, and bench data
/// (digits, '-' and ':') needs no escaping.
/// </summary>
internal static class HeraldEnvelope
{
    public static EnvelopeKind Classify(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> data)
    {
        data = default;
        if (frame.IsEmpty || frame[0] != (byte)'{')
        {
            return EnvelopeKind.NotAnEnvelope;
        }

        if (frame.StartsWith("""{"type":"message","""u8))
        {
            var dataField = ",\"data\":\""u8;
            var start = frame.IndexOf(dataField);
            if (start < 0)
            {
                return EnvelopeKind.Other;
            }

            var rest = frame[(start + dataField.Length)..];
            var end = rest.IndexOf((byte)'"');
            if (end < 0)
            {
                return EnvelopeKind.Other;
            }

            data = rest[..end];
            return EnvelopeKind.Message;
        }

        return frame.StartsWith("""{"type":"joined","stream":"topic:"""u8) ? EnvelopeKind.TopicJoined : EnvelopeKind.Other;
    }
}
