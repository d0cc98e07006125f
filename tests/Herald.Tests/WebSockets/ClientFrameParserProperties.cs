using System.Buffers;
using System.Buffers.Binary;
using CsCheck;
using Herald.Tests.WebSockets.Conformance;
using Herald.WebSockets;

namespace Herald.Tests.WebSockets;

/// <summary>
/// Properties of <see cref="ClientFrameParser"/> over random and mutated byte streams, split into segments at
/// random points (the shape a PipeReader hands over). CsCheck shrinks a failure to a minimal input and prints
/// the seed that reproduces it. Each property is bounded in iterations and runs on one thread.
/// </summary>
public sealed class ClientFrameParserProperties
{
    private const int Iterations = 3000;

    private static readonly WebSocketOpcode[] Opcodes =
    [
        WebSocketOpcode.Continuation, WebSocketOpcode.Text, WebSocketOpcode.Binary,
        WebSocketOpcode.Close, WebSocketOpcode.Ping, WebSocketOpcode.Pong,
    ];

    /// <summary>Segment lengths for <see cref="SegmentedSequence.Create"/>: zero-length segments included.</summary>
    private static readonly Gen<int[]> Cuts = Gen.Int[0, 24].Array[0, 40];

    /// <summary>One valid client frame: its header as the parser must read it, and its payload before masking.</summary>
    private static readonly Gen<(ClientFrameHeader Header, byte[] Payload)> ValidFrame =
        Gen.Select(Gen.Int[0, Opcodes.Length - 1], Gen.Bool, Gen.Int[0, 300], Gen.UInt, Gen.Int[0, 2], Gen.Byte)
            .Select((opcodeIndex, fin, length, maskKey, encoding, fill) =>
            {
                var opcode = Opcodes[opcodeIndex];
                var isControl = ((byte)opcode & 0x8) != 0;
                length = isControl ? length % 126 : length;
                var lengthBytes = encoding switch
                {
                    1 => 2,
                    2 => 8,
                    _ => length <= 125 ? 0 : length <= ushort.MaxValue ? 2 : 8,
                };
                var payload = new byte[length];
                for (var i = 0; i < length; i++)
                {
                    payload[i] = (byte)(fill + (i * 7));
                }

                return (new ClientFrameHeader(fin || isControl, opcode, length, maskKey, 2 + lengthBytes + 4), payload);
            });

    [Fact]
    public void TryParseHeader_RandomBytesInRandomSegments_NeverThrowsAndMatchesTheContiguousParse()
    {
        Gen.Select(Gen.Byte.Array[0, 20], Cuts).Sample(
            (bytes, cuts) =>
            {
                var contiguous = ClientFrameParser.TryParseHeader(new ReadOnlySequence<byte>(bytes), out var expected, out var expectedError);
                var segmented = ClientFrameParser.TryParseHeader(SegmentedSequence.Create(bytes, cuts), out var header, out var error);

                Assert.Equal((contiguous, expected, expectedError), (segmented, header, error));
                AssertConsistent(contiguous, expected, expectedError);
            },
            iter: Iterations,
            threads: 1);
    }

    [Fact]
    public void TryParseHeader_MutatedValidFrames_NeverThrowsAndReportsAConsistentResult()
    {
        var mutated = Gen.Select(ValidFrame.Array[1, 4], Gen.Int[0, 1000].Array[1, 4], Gen.Byte.Array[1, 4], Cuts);
        mutated.Sample(
            (frames, positions, values, cuts) =>
            {
                var wire = Encode(frames);
                for (var i = 0; i < Math.Min(positions.Length, values.Length); i++)
                {
                    wire[positions[i] % wire.Length] ^= values[i];
                }

                // Parse frame after frame, as the receive loop does, until the bytes run out or a frame is refused.
                var buffer = SegmentedSequence.Create(wire, cuts);
                while (true)
                {
                    var status = ClientFrameParser.TryParseHeader(buffer, out var header, out var error);
                    AssertConsistent(status, header, error);
                    if (status != FrameHeaderStatus.Complete || buffer.Length - header.HeaderLength < header.PayloadLength)
                    {
                        break;
                    }

                    buffer = buffer.Slice(header.HeaderLength + header.PayloadLength);
                }
            },
            iter: Iterations,
            threads: 1);
    }

    [Fact]
    public void TryParseHeader_ValidFramesSplitAnywhere_ParseToTheSameHeadersAndPayloads()
    {
        Gen.Select(ValidFrame.Array[1, 6], Cuts).Sample(
            (frames, cuts) =>
            {
                var buffer = SegmentedSequence.Create(Encode(frames), cuts);

                foreach (var (expected, payload) in frames)
                {
                    Assert.Equal(FrameHeaderStatus.Complete, ClientFrameParser.TryParseHeader(buffer, out var header, out var error));
                    Assert.Null(error);
                    Assert.Equal(expected, header);
                    buffer = buffer.Slice(header.HeaderLength);
                    Assert.Equal(payload, ParsedFrame.Unmask(buffer.Slice(0, header.PayloadLength), header.MaskKey));
                    buffer = buffer.Slice(header.PayloadLength);
                }

                Assert.True(buffer.IsEmpty);
            },
            iter: Iterations,
            threads: 1);
    }

    [Fact]
    public void Unmask_InPiecesAtAnyOffsets_EqualsUnmaskingAtOnceAndTheDefinition()
    {
        Gen.Select(Gen.Byte.Array[0, 200], Gen.UInt, Gen.Int[0, 40].Array[0, 12]).Sample(
            (masked, maskKey, pieceLengths) =>
            {
                var atOnce = masked.ToArray();
                ClientFrameParser.Unmask(atOnce, maskKey, 0);

                var inPieces = masked.ToArray();
                var offset = 0;
                foreach (var length in pieceLengths.Append(masked.Length))
                {
                    var piece = Math.Min(length, masked.Length - offset);
                    ClientFrameParser.Unmask(inPieces.AsSpan(offset, piece), maskKey, offset);
                    offset += piece;
                }

                // RFC 6455 §5.3: octet i is XORed with octet i mod 4 of the key, the key's first wire byte first.
                var definition = new byte[masked.Length];
                for (var i = 0; i < masked.Length; i++)
                {
                    definition[i] = (byte)(masked[i] ^ (byte)(maskKey >> (24 - ((i % 4) * 8))));
                }

                Assert.Equal(definition, atOnce);
                Assert.Equal(definition, inPieces);
            },
            iter: Iterations,
            threads: 1);
    }

    /// <summary>What any result must look like: a sane header when complete, a usable Close reason when refused.</summary>
    private static void AssertConsistent(FrameHeaderStatus status, in ClientFrameHeader header, string? error)
    {
        switch (status)
        {
            case FrameHeaderStatus.Complete:
                Assert.Null(error);
                Assert.InRange(header.PayloadLength, 0, long.MaxValue);
                Assert.True(header.HeaderLength is 6 or 8 or 14, $"a header is 6, 8 or 14 bytes: {header}");
                Assert.Contains(header.Opcode, Opcodes);
                Assert.True(!header.IsControl || (header.Fin && header.PayloadLength <= 125), $"a control frame must be final and at most 125 bytes: {header}");
                break;
            case FrameHeaderStatus.ProtocolError:
                Assert.False(string.IsNullOrEmpty(error));
                Assert.True(error.Length <= 100 && error.All(char.IsAscii), $"'{error}' must fit a Close reason");
                break;
            default:
                Assert.Null(error);
                break;
        }
    }

    /// <summary>The frames as a client sends them: masked with their keys, lengths in the encoding their headers say.</summary>
    private static byte[] Encode((ClientFrameHeader Header, byte[] Payload)[] frames)
    {
        var wire = new List<byte>();
        foreach (var (header, payload) in frames)
        {
            var lengthBytes = header.HeaderLength - 6;
            var head = new byte[header.HeaderLength];
            head[0] = (byte)((header.Fin ? 0x80 : 0) | (byte)header.Opcode);
            head[1] = (byte)(0x80 | lengthBytes switch { 2 => 126, 8 => 127, _ => payload.Length });
            if (lengthBytes == 2)
            {
                BinaryPrimitives.WriteUInt16BigEndian(head.AsSpan(2), (ushort)payload.Length);
            }
            else if (lengthBytes == 8)
            {
                BinaryPrimitives.WriteUInt64BigEndian(head.AsSpan(2), (ulong)payload.Length);
            }

            BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(2 + lengthBytes), header.MaskKey);
            // Masked by the conformance suite's own code, not the parser's: the two are checked against each other.
            var masked = payload.ToArray();
            WireFrame.Mask(masked, header.MaskKey);
            wire.AddRange(head);
            wire.AddRange(masked);
        }

        return [.. wire];
    }
}
