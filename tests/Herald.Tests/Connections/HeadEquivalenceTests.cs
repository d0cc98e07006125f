using System.Text;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Connections;

/// <summary>
/// The direct path's promise: a client sees no difference from ASP.NET Core. Each head below, valid or hostile, is
/// written over raw TCP to a server with the direct path and to one without, and both must answer with the same
/// status (Kestrel's own for what the direct path declines); the valid upgrades must be taken by the direct path.
/// </summary>
public sealed class HeadEquivalenceTests(BothPathServers servers) : IClassFixture<BothPathServers>
{
    // Kestrel's defaults, which both test servers run with.
    private const int MaxRequestLineSize = 8 * 1024;
    private const int MaxRequestHeadersTotalSize = 32 * 1024;
    private const int MaxRequestHeaderCount = 100;

    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";
    private const string Upgrade = "GET /ws HTTP/1.1";

    private static readonly string[] Valid = ["Host: localhost", "Upgrade: websocket", "Connection: Upgrade", $"Sec-WebSocket-Key: {Key}", "Sec-WebSocket-Version: 13"];

    private static readonly Dictionary<string, HeadCase> Cases = new()
    {
        // Taken by the direct path.
        ["valid upgrade"] = new(Head(Upgrade, Valid), 101, Direct: true),
        ["valid with herald.v1"] = new(Head(Upgrade, With("Sec-WebSocket-Protocol: chat, herald.v1")), 101, Direct: true),
        ["lower-case header names"] = new(Head(Upgrade, [.. Valid.Select(LowerName)]), 101, Direct: true),
        ["tabs as OWS"] = new(Head(Upgrade, [.. Valid.Select(line => line.Replace(": ", ":\t", StringComparison.Ordinal) + " \t")]), 101, Direct: true),
        ["Connection: keep-alive, Upgrade"] = new(Head(Upgrade, Replace("Connection: keep-alive, Upgrade")), 101, Direct: true),
        ["Connection in two lines"] = new(Head(Upgrade, Replace("Connection: keep-alive", "Connection: Upgrade")), 101, Direct: true),
        ["query string"] = new(Head("GET /ws?client=raw&name=a%20b HTTP/1.1", Valid), 101, Direct: true),
        ["host with port"] = new(Head(Upgrade, Replace("Host: 127.0.0.1:8181")), 101, Direct: true),
        ["IPv6 host with port"] = new(Head(Upgrade, Replace("Host: [::1]:8181")), 101, Direct: true),
        ["empty host"] = new(Head(Upgrade, Replace("Host:")), 101, Direct: true),
        ["request line at MaxRequestLineSize"] = new(Head(LongRequestLine(MaxRequestLineSize), Valid), 101, Direct: true),
        ["headers at MaxRequestHeadersTotalSize"] = new(Head(Upgrade, Padded(MaxRequestHeadersTotalSize)), 101, Direct: true),
        ["MaxRequestHeaderCount headers"] = new(Head(Upgrade, Many(MaxRequestHeaderCount)), 101, Direct: true),

        // Declined, and accepted by ASP.NET Core all the same.
        ["absolute-form target"] = new(Head("GET http://localhost/ws HTTP/1.1", Valid), 101, Direct: false),
        ["Content-Length: 0"] = new(Head(Upgrade, With("Content-Length: 0")), 101, Direct: false),
        ["bare LF line endings"] = new(Head(Upgrade, Valid).Replace("\r\n", "\n", StringComparison.Ordinal), 101, Direct: false),
        ["bare LF after the last header"] = new(Head(Upgrade, Valid)[..^2] + "\n", 101, Direct: false),
        ["two spaces before the version"] = new(Head("GET /ws  HTTP/1.1", Valid), 101, Direct: false),
        ["header value with a control character"] = new(Head(Upgrade, With("X-Note: a\u0001b")), 101, Direct: false),
        ["header value with DEL"] = new(Head(Upgrade, With("X-Note: a\u007Fb")), 101, Direct: false),
        ["header value in UTF-8"] = new(Head(Upgrade, With("X-Note: caf\u00C3\u00A9")), 101, Direct: false),
        ["non-token character in a header name"] = new(Head(Upgrade, With("X(Note): a")), 101, Direct: false),
        ["two Upgrade headers"] = new(Head(Upgrade, With("Upgrade: websocket")), 101, Direct: false),
        ["Upgrade: websocket2"] = new(Head(Upgrade, Replace("Upgrade: websocket2")), 426, Direct: false),
        ["empty line before the request line"] = new("\r\n" + Head(Upgrade, Valid), 101, Direct: false),
        ["lower-case method"] = new(Head("get /ws HTTP/1.1", Valid), 426, Direct: false),

        // Declined, and refused by both.
        ["two Sec-WebSocket-Key headers"] = new(Head(Upgrade, With($"Sec-WebSocket-Key: {Key}")), 400, Direct: false),
        ["Sec-WebSocket-Version 8 then 13"] = new(Head(Upgrade, [.. Replace("Sec-WebSocket-Version: 8"), "Sec-WebSocket-Version: 13"]), 426, Direct: false),
        ["two Host headers"] = new(Head(Upgrade, With("Host: localhost")), 400, Direct: false),
        ["Host: a b"] = new(Head(Upgrade, Replace("Host: a b")), 400, Direct: false),
        ["Host: a:"] = new(Head(Upgrade, Replace("Host: a:")), 400, Direct: false),
        ["space before the colon"] = new(Head(Upgrade, Replace("Upgrade : websocket")), 400, Direct: false),
        ["64 KiB header line"] = new(Head(Upgrade, With("X-Big: " + new string('a', 64 * 1024))), 431, Direct: false),
        ["1,000 headers"] = new(Head(Upgrade, Many(1000)), 431, Direct: false),
        ["headers one byte over MaxRequestHeadersTotalSize"] = new(Head(Upgrade, Padded(MaxRequestHeadersTotalSize + 1)), 431, Direct: false),
        ["MaxRequestHeaderCount + 1 headers"] = new(Head(Upgrade, Many(MaxRequestHeaderCount + 1)), 431, Direct: false),
        ["request line one byte over MaxRequestLineSize"] = new(Head(LongRequestLine(MaxRequestLineSize + 1), Valid), 414, Direct: false),
        ["HTTP/1.0"] = new(Head("GET /ws HTTP/1.0", Valid), 400, Direct: false),
        ["HTTP/2.0 in the request line"] = new(Head("GET /ws HTTP/2.0", Valid), 505, Direct: false),
        ["lower-case http/1.1"] = new(Head("GET /ws http/1.1", Valid), 505, Direct: false),
        ["two spaces after the method"] = new(Head("GET  /ws HTTP/1.1", Valid), 400, Direct: false),
        ["wrong method"] = new(Head("POST /ws HTTP/1.1", Valid), 426, Direct: false),
        ["missing Upgrade"] = new(Head(Upgrade, Without("Upgrade")), 426, Direct: false),
        ["missing Connection"] = new(Head(Upgrade, Without("Connection")), 426, Direct: false),
        ["Connection token after a tab"] = new(Head(Upgrade, Replace("Connection: keep-alive,\tUpgrade")), 426, Direct: false),
        ["missing Sec-WebSocket-Key"] = new(Head(Upgrade, Without("Sec-WebSocket-Key")), 400, Direct: false),
        ["missing Sec-WebSocket-Version"] = new(Head(Upgrade, Without("Sec-WebSocket-Version")), 426, Direct: false),
        ["missing Host"] = new(Head(Upgrade, Without("Host")), 400, Direct: false),
        ["invalid Sec-WebSocket-Key"] = new(Head(Upgrade, Replace("Sec-WebSocket-Key: AAAA")), 400, Direct: false),
        ["Transfer-Encoding: chunked"] = new(Head(Upgrade, With("Transfer-Encoding: chunked")), 426, Direct: false),
        ["Content-Length with a body"] = new(Head(Upgrade, With("Content-Length: 4")) + "body", 426, Direct: false),
        ["header value with NUL"] = new(Head(Upgrade, With("X-Note: a\0b")), 400, Direct: false),
        ["header value not UTF-8"] = new(Head(Upgrade, With("X-Note: a\u00FFb")), 400, Direct: false),
        ["obs-fold"] = new(Head(Upgrade, [.. Valid, "X-Note: a", " folded"]), 400, Direct: false),
        ["bare CR in a value"] = new(Head(Upgrade, With("X-Note: a\rb")), 400, Direct: false),
        ["bare CR, the line never ended"] = new(Head(Upgrade, Valid)[..^2] + "X-Note: a\rb", 400, Direct: false),
        ["NUL in the request line"] = new(Head("GET /w\0s HTTP/1.1", Valid), 400, Direct: false),
        ["empty header name"] = new(Head(Upgrade, With(": a")), 400, Direct: false),
        ["header line without a colon"] = new(Head(Upgrade, With("X-Note")), 400, Direct: false),
        ["path not mapped"] = new(Head("GET /elsewhere HTTP/1.1", Valid), 404, Direct: false),
        ["only other subprotocols"] = new(Head(Upgrade, With("Sec-WebSocket-Protocol: chat")), 400, Direct: false),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Head_WrittenToBothPaths_GetsTheSameAnswer(string name)
    {
        var (head, expected, takenDirectly) = Cases[name];
        var bytes = Encoding.Latin1.GetBytes(head);
        var declinedBefore = DeclinedCount();

        var direct = await RawHttp.ExchangeAsync(servers.Direct.BaseAddress, bytes);
        var declined = DeclinedCount() - declinedBefore;
        var aspNetCore = await RawHttp.ExchangeAsync(servers.AspNetCore.BaseAddress, bytes);

        Assert.True(direct.Status == expected && aspNetCore.Status == expected,
            $"{name}: expected {expected} on both paths; the direct path answered {direct}, ASP.NET Core {aspNetCore}");
        Assert.True(declined == (takenDirectly ? 0 : 1), $"{name}: the direct path {(declined == 0 ? "took" : "declined")} it");
        if (expected == 101)
        {
            Assert.Equal(Field(aspNetCore.Head, "Sec-WebSocket-Accept"), Field(direct.Head, "Sec-WebSocket-Accept"));
            Assert.Equal(Field(aspNetCore.Head, "Sec-WebSocket-Protocol"), Field(direct.Head, "Sec-WebSocket-Protocol"));
        }
    }

    [Fact]
    public async Task Head_BareLineFeeds_IsAnsweredWithoutWaitingForTheHeadDeadline()
    {
        var head = Encoding.ASCII.GetBytes(Head(Upgrade, Valid).Replace("\r\n", "\n", StringComparison.Ordinal));

        var answer = await RawHttp.ExchangeAsync(servers.Direct.BaseAddress, head, TimeSpan.FromSeconds(5));

        // Kestrel reads bare LF as a line end, so it upgrades; the direct path must not wait 30 s for a CRLFCRLF.
        Assert.Equal(101, answer.Status);
        Assert.True(answer.Elapsed < TimeSpan.FromSeconds(5), $"answered after {answer.Elapsed}");
    }

    [Fact]
    public async Task Head_OverTheHeaderLimitBeforeItsEnd_IsDeclinedAtOnce()
    {
        // 40 KiB of one header line that never ends: Kestrel answers 431 as soon as it is past its limit.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(servers.Direct.BaseAddress.Host, servers.Direct.BaseAddress.Port, Cancellation);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{Upgrade}\r\nHost: localhost\r\nX-Big: {new string('a', 40 * 1024)}"), Cancellation);

        var answer = await RawHttp.ReadHeadAsync(stream, TimeSpan.FromSeconds(5));

        Assert.StartsWith("HTTP/1.1 431", answer, StringComparison.Ordinal);
        Assert.Contains(servers.Direct.Logs.Entries, entry => entry.EventName == "UpgradeDeclined" && entry.Message.EndsWith(": HeadersTooLarge", StringComparison.Ordinal));
    }

    private int DeclinedCount() => servers.Direct.Logs.Entries.Count(entry => entry.EventName == "UpgradeDeclined");

    private static string Head(string requestLine, IEnumerable<string> headers) =>
        $"{requestLine}\r\n{string.Concat(headers.Select(header => header + "\r\n"))}\r\n";

    private static string[] With(params string[] extra) => [.. Valid, .. extra];

    private static string[] Without(string name) => [.. Valid.Where(line => !line.StartsWith(name + ":", StringComparison.Ordinal))];

    /// <summary>The valid headers with the one of the same name replaced by <paramref name="lines"/>, in its place.</summary>
    private static string[] Replace(params string[] lines)
    {
        var name = lines[0][..lines[0].IndexOf(':', StringComparison.Ordinal)].TrimEnd();
        return [.. Valid.SelectMany(line => line.StartsWith(name + ":", StringComparison.Ordinal) ? lines : [line])];
    }

    private static string LowerName(string line) =>
        line[..line.IndexOf(':', StringComparison.Ordinal)].ToLowerInvariant() + line[line.IndexOf(':', StringComparison.Ordinal)..];

    /// <summary>An upgrade request line of exactly <paramref name="length"/> bytes with its CRLF (a long query).</summary>
    private static string LongRequestLine(int length) => $"GET /ws?{new string('a', length - "GET /ws? HTTP/1.1\r\n".Length)} HTTP/1.1";

    /// <summary>The valid headers and a padding header, <paramref name="total"/> bytes of header lines in all (Kestrel adds 2 for the blank line).</summary>
    private static string[] Padded(int total)
    {
        var used = Valid.Sum(line => line.Length + 2) + "X-Pad: \r\n".Length;
        return With("X-Pad: " + new string('a', total - used));
    }

    /// <summary>The valid headers and as many more as make <paramref name="count"/>.</summary>
    private static string[] Many(int count) => With([.. Enumerable.Range(0, count - Valid.Length).Select(i => $"X-Header-{i}: {i}")]);

    private static string? Field(string head, string name) =>
        head.Split("\r\n").FirstOrDefault(line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim();

    private sealed record HeadCase(string Head, int Status, bool Direct);
}
