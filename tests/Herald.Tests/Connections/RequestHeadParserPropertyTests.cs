using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using CsCheck;
using Herald.Connections;
using Herald.Protocol;
using Herald.Tests.WebSockets;
using Herald.WebSockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Herald.Tests.Connections;

/// <summary>
/// Properties of the direct path's head parser over generated input (CsCheck, which shrinks a failure to a minimal
/// case): random bytes, random pieces of HTTP, and valid heads with random mutations, each fed as a pipe would
/// hand them over, in reads cut at random points. No exception escapes, reads decide as one read would, and a
/// valid head is read the same wherever it is cut.
/// </summary>
public sealed class RequestHeadParserPropertyTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";
    private const string TokenChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!#$%&'*+^`|~";
    private const string ValueChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \t-_.,;:=/\"()<>?@[]{}";
    private const string QueryChars = "abcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/?";

    private static readonly string[] Pieces =
    [
        "GET ", "/ws", "/", "?", "%2", "%41", " ", "  ", "HTTP/1.1", "HTTP/1.0", "\r\n", "\r\n\r\n", "\n", "\r", ":", ": ", "\t",
        "Host", "localhost", "[::1]", ":80", "Upgrade", "websocket", "Connection", "upgrade", "Sec-WebSocket-Key", Key,
        "Sec-WebSocket-Version", "13", "Sec-WebSocket-Protocol", "herald.v1", "Content-Length", "0", "\0", "\u007f", "\u00ff", ",",
    ];

    /// <summary>Kestrel's defaults, or small limits that random heads cross often.</summary>
    private static readonly Gen<(int Line, int Total, int Count)> Limits = Gen.Frequency(
        (1, Gen.Const((8 * 1024, 32 * 1024, 100))),
        (1, Gen.Select(Gen.Int[16, 160], Gen.Int[8, 400], Gen.Int[1, 12], (line, total, count) => (line, total, count))));

    private static readonly Gen<byte[]> RandomBytes = Gen.Byte.Array[0, 300];

    private static readonly Gen<byte[]> RandomPieces = Gen.OneOf(Pieces).Array[0, 60]
        .Select(pieces => Encoding.Latin1.GetBytes("GET " + string.Concat(pieces)));

    private static readonly Gen<ValidHead> ValidHeads =
        Gen.Select(
            Gen.Char[QueryChars].Array[0, 24].Select(query => query.Length == 0 ? "/ws" : "/ws?" + new string(query)),
            Gen.OneOf("Upgrade", "upgrade", "keep-alive, Upgrade", "Upgrade, keep-alive"),
            Gen.OneOf<string?>(null, "herald.v1", "chat, herald.v1"),
            Gen.Select(Gen.Char[TokenChars].Array[1, 10], Gen.Char[ValueChars].Array[0, 30], (name, value) => $"X-{new string(name)}: {new string(value)}").Array[0, 6],
            Gen.Int,
            (path, connection, subprotocol, extra, seed) => new ValidHead(path, connection, subprotocol, extra, seed));

    [Fact]
    public void Parse_RandomBytesInRandomReads_ThrowsNothingAndDecidesAsInOneRead()
    {
        Gen.Select(Gen.Frequency((1, RandomBytes), (3, RandomPieces)), Gen.Int[0, 400].Array[0, 8], Limits)
            .Sample((bytes, cuts, limits) => AssertReadsDecideAsOneRead(bytes, cuts, limits), iter: 3000, print: Print);
    }

    [Fact]
    public void Parse_MutatedValidHeadInRandomReads_ThrowsNothingAndDecidesAsInOneRead()
    {
        var mutation = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 1000], Gen.OneOf<byte>((byte)'\r', (byte)'\n', (byte)' ', (byte)'\t', 0, 0x7F, 0xFF, (byte)':', (byte)'a', (byte)','));
        Gen.Select(ValidHeads, mutation.Array[1, 4], Gen.Int[0, 400].Array[0, 8], Limits)
            .Sample((head, mutations, cuts, limits) => AssertReadsDecideAsOneRead(Mutate(head.Bytes(), mutations), cuts, limits), iter: 3000, print: Print);
    }

    [Fact]
    public void Parse_ValidHeadCutAnywhereWithAFrameAfterIt_ReadsTheSame()
    {
        Gen.Select(ValidHeads, Gen.Int[0, 400].Array[0, 10], Gen.Byte.Array[0, 20])
            .Sample((head, cuts, frame) =>
            {
                var bytes = head.Bytes();
                byte[] received = [.. bytes, .. frame];
                var (status, parser) = ParseInReads(received, cuts, new KestrelServerLimits());

                Assert.Equal(HeadParseStatus.Complete, status);
                Assert.Equal(bytes.Length, parser.HeadLength);
                var flavour = Subprotocols.TrySelect(head.Subprotocol is null ? [] : [head.Subprotocol], out var selected, out _) ? selected : (WireFlavour?)null;
                Assert.Equal(new ParsedHead(head.Path.Split('?')[0], Key, flavour), ParsedHead.Of(parser, new ReadOnlySequence<byte>(received)));
            }, iter: 2000, print: Print);
    }

    /// <summary>
    /// Reads at the given cuts must give the answer one read of the same bytes gives, and what it takes must be a
    /// head: ending with the blank line, carrying a valid key, parsed the same without what follows it.
    /// </summary>
    private static void AssertReadsDecideAsOneRead(byte[] bytes, int[] cuts, (int Line, int Total, int Count) limits)
    {
        var oneRead = new RequestHeadParser(Kestrel(limits));
        var expected = oneRead.Parse(new ReadOnlySequence<byte>(bytes));

        var (status, parser) = ParseInReads(bytes, cuts, Kestrel(limits));

        Assert.Equal(expected, status);
        Assert.Equal(expected == HeadParseStatus.Declined, oneRead.DeclineReason is not null);
        if (status == HeadParseStatus.Complete)
        {
            var buffer = new ReadOnlySequence<byte>(bytes);
            Assert.Equal((oneRead.HeadLength, ParsedHead.Of(oneRead, buffer)), (parser.HeadLength, ParsedHead.Of(parser, buffer)));
            Assert.True(bytes.AsSpan(0, (int)parser.HeadLength).EndsWith("\r\n\r\n"u8));
            Assert.True(WebSocketHandshake.IsValidKey(parser.WebSocketKey));
            Assert.Equal(HeadParseStatus.Complete, new RequestHeadParser(Kestrel(limits)).Parse(new ReadOnlySequence<byte>(bytes, 0, (int)parser.HeadLength)));
        }
    }

    /// <summary>Feeds the bytes as a pipe would: each read ends at the next cut, and holds the earlier reads as earlier segments.</summary>
    private static (HeadParseStatus Status, RequestHeadParser Parser) ParseInReads(byte[] bytes, int[] cuts, KestrelServerLimits limits)
    {
        var parser = new RequestHeadParser(limits);
        var ends = cuts.Where(cut => cut < bytes.Length).Append(bytes.Length).Distinct().Order().ToArray();
        var status = HeadParseStatus.NeedMore;
        for (var read = 0; read < ends.Length && status == HeadParseStatus.NeedMore; read++)
        {
            var segments = ends.Take(read).Select((end, i) => end - (i == 0 ? 0 : ends[i - 1]));
            status = parser.Parse(SegmentedSequence.Create(bytes.AsMemory(0, ends[read]), segments));
        }

        return (status, parser);
    }

    /// <summary>Each mutation replaces (0), inserts (1) or deletes (2, 3) the byte at a position.</summary>
    private static byte[] Mutate(byte[] bytes, (int Kind, int Position, byte Value)[] mutations)
    {
        var result = bytes.ToList();
        foreach (var (kind, position, value) in mutations)
        {
            var at = position % (result.Count + 1);
            if (kind == 1)
            {
                result.Insert(at, value);
            }
            else if (at < result.Count)
            {
                if (kind == 0)
                {
                    result[at] = value;
                }
                else
                {
                    result.RemoveAt(at);
                }
            }
        }

        return [.. result];
    }

    private static KestrelServerLimits Kestrel((int Line, int Total, int Count) limits) =>
        new() { MaxRequestLineSize = limits.Line, MaxRequestHeadersTotalSize = limits.Total, MaxRequestHeaderCount = limits.Count };

    private static string Print<T>(T sample) => sample switch
    {
        ITuple tuple => string.Join(", ", Enumerable.Range(0, tuple.Length).Select(i => Print(tuple[i]))),
        byte[] bytes => Escape(bytes),
        ValidHead head => Escape(head.Bytes()),
        System.Collections.IEnumerable items and not string => "[" + string.Join(", ", items.Cast<object?>().Select(Print)) + "]",
        _ => sample?.ToString() ?? "null",
    };

    private static string Escape(byte[] bytes) =>
        "\"" + string.Concat(bytes.Select(b => b is >= 0x20 and < 0x7F and not (byte)'"' and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:X2}")) + "\"";

    /// <summary>A valid upgrade head: the five handshake headers and some others, in an order and spelling the seed picks.</summary>
    private sealed record ValidHead(string Path, string Connection, string? Subprotocol, string[] Extra, int Seed)
    {
        public byte[] Bytes()
        {
            var random = new Random(Seed);
            var ows = new[] { "", " ", "\t", "  ", " \t" };
            List<(string Name, string Value)> headers =
            [
                ("Host", "localhost:8181"), ("Upgrade", "websocket"), ("Connection", Connection), ("Sec-WebSocket-Key", Key), ("Sec-WebSocket-Version", "13"),
                .. Subprotocol is null ? [] : new[] { ("Sec-WebSocket-Protocol", Subprotocol) },
                .. Extra.Select(line => (line[..line.IndexOf(':', StringComparison.Ordinal)], line[(line.IndexOf(':', StringComparison.Ordinal) + 2)..])),
            ];
            random.Shuffle(CollectionsMarshal.AsSpan(headers));
            var head = new StringBuilder($"GET {Path} HTTP/1.1\r\n");
            foreach (var (name, value) in headers)
            {
                var spelled = string.Concat(name.Select(c => random.Next(2) == 0 ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)));
                head.Append(spelled).Append(':').Append(ows[random.Next(ows.Length)]).Append(value).Append(ows[random.Next(ows.Length)]).Append("\r\n");
            }

            return Encoding.ASCII.GetBytes(head.Append("\r\n").ToString());
        }
    }
}
