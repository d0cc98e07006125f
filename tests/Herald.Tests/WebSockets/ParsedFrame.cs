using System.Buffers;
using Herald.WebSockets;

namespace Herald.Tests.WebSockets;

/// <summary>A client frame as the tests expect or parsed it, payload unmasked.</summary>
internal sealed record ParsedFrame(bool Fin, WebSocketOpcode Opcode, byte[] Payload)
{
    /// <summary>Parses every frame in <paramref name="buffer"/>, unmasking each payload piece by piece, segment by segment.</summary>
    public static List<ParsedFrame> ParseAll(ReadOnlySequence<byte> buffer)
    {
        var frames = new List<ParsedFrame>();
        while (!buffer.IsEmpty)
        {
            Assert.Equal(FrameHeaderStatus.Complete, ClientFrameParser.TryParseHeader(buffer, out var header, out var error));
            Assert.Null(error);
            buffer = buffer.Slice(header.HeaderLength);
            frames.Add(new ParsedFrame(header.Fin, header.Opcode, Unmask(buffer.Slice(0, header.PayloadLength), header.MaskKey)));
            buffer = buffer.Slice(header.PayloadLength);
        }

        return frames;
    }

    /// <summary>Copies a masked payload out of its segments, unmasking each piece with its running offset.</summary>
    public static byte[] Unmask(ReadOnlySequence<byte> masked, uint maskKey)
    {
        var payload = new byte[masked.Length];
        var offset = 0;
        foreach (var segment in masked)
        {
            var piece = payload.AsSpan(offset, segment.Length);
            segment.Span.CopyTo(piece);
            ClientFrameParser.Unmask(piece, maskKey, offset);
            offset += segment.Length;
        }

        return payload;
    }

    // Records compare arrays by reference; tests want the bytes compared.
    public bool Equals(ParsedFrame? other) =>
        other is not null && Fin == other.Fin && Opcode == other.Opcode && Payload.AsSpan().SequenceEqual(other.Payload);

    public override int GetHashCode() => HashCode.Combine(Fin, Opcode, Payload.Length);

    public override string ToString() => $"{Opcode} fin={Fin} payload={Payload.Length} bytes";
}
