using System.Buffers;
using System.Text;
using Herald.Connections;
using Herald.Protocol;
using Herald.Tests.WebSockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Herald.Tests.Connections;

/// <summary>Every rule of the direct path's head parser, each with the exact reason it declines for.</summary>
public sealed class RequestHeadParserTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";
    private const string RequestLine = "GET /ws HTTP/1.1";

    private static readonly string[] Valid = ["Host: localhost", "Upgrade: websocket", "Connection: Upgrade", $"Sec-WebSocket-Key: {Key}", "Sec-WebSocket-Version: 13"];

    [Fact]
    public void Parse_ValidUpgrade_CompletesWithPathKeyAndFlavour()
    {
        var parser = Parser();
        var bytes = Bytes(Head("GET /push/ws?client=a%20b HTTP/1.1", [.. Valid, "Sec-WebSocket-Protocol: chat", "sec-websocket-protocol: herald.v1"]));

        var status = parser.Parse(bytes);

        Assert.Equal(HeadParseStatus.Complete, status);
        Assert.Equal(new ParsedHead("/push/ws", Key, WireFlavour.HeraldV1), ParsedHead.Of(parser, bytes));
    }

    [Theory]
    [InlineData("chat, herald.v1", "herald.v1")]
    [InlineData(" herald.v1 ,", "herald.v1")]
    [InlineData("chat", null)]
    [InlineData("Herald.v1", null)]
    [InlineData("herald.v1x, chat", null)]
    [InlineData(",, ,", "seed")]
    public void Parse_Subprotocols_SelectTheFlavourAsTheAspNetCorePathDoes(string offered, string? flavourName)
    {
        WireFlavour? expected = flavourName switch { "herald.v1" => WireFlavour.HeraldV1, "seed" => WireFlavour.Seed, _ => null };
        var parser = Parser();
        var bytes = Bytes(Head(RequestLine, [.. Valid, $"Sec-WebSocket-Protocol: {offered}"]));

        Assert.Equal(HeadParseStatus.Complete, parser.Parse(bytes));
        Assert.Equal(expected, ParsedHead.Of(parser, bytes).Flavour);
        Assert.Equal(expected is not null, Subprotocols.TrySelect([offered], out var flavour, out _));
        Assert.Equal(expected ?? WireFlavour.Seed, flavour);
    }

    [Fact]
    public void Parse_HeadFollowedByAFrame_EndsTheHeadAtTheBlankLine()
    {
        var head = Head(RequestLine, Valid);
        var parser = Parser();

        var status = parser.Parse(Bytes(head + "\u0081\u0085frame"));

        Assert.Equal(HeadParseStatus.Complete, status);
        Assert.Equal(head.Length, parser.HeadLength);
    }

    [Fact]
    public void Parse_HeadArrivingByteByByte_NeedsMoreUntilItsLastByte()
    {
        var head = Encoding.ASCII.GetBytes(Head(RequestLine, Valid));
        var parser = Parser();

        for (var length = 0; length < head.Length; length++)
        {
            Assert.Equal(HeadParseStatus.NeedMore, parser.Parse(new ReadOnlySequence<byte>(head, 0, length)));
        }

        Assert.Equal(HeadParseStatus.Complete, parser.Parse(new ReadOnlySequence<byte>(head)));
        Assert.Equal(head.Length, parser.HeadLength);
    }

    [Fact]
    public void Parse_ValidHeadInTwoSegmentsCutAnywhere_ReadsTheSame()
    {
        var head = Encoding.ASCII.GetBytes(Head("GET /ws?x=1 HTTP/1.1", [.. Valid, "Sec-WebSocket-Protocol: herald.v1"]));

        for (var cut = 0; cut <= head.Length; cut++)
        {
            var parser = Parser();
            var buffer = SegmentedSequence.SplitAt(head, cut);
            Assert.Equal(HeadParseStatus.Complete, parser.Parse(buffer));
            Assert.Equal(new ParsedHead("/ws", Key, WireFlavour.HeraldV1), ParsedHead.Of(parser, buffer));
            Assert.Equal(head.Length, parser.HeadLength);
        }
    }

    [Fact]
    public void Parse_ValidHeadOneSegmentPerByte_Completes()
    {
        var head = Encoding.ASCII.GetBytes(Head(RequestLine, Valid));

        Assert.Equal(HeadParseStatus.Complete, Parser().Parse(SegmentedSequence.Bytewise(head)));
    }

    [Theory]
    [InlineData("lower-case names", "host: a|upgrade: websocket|connection: upgrade|sec-websocket-key: " + Key + "|sec-websocket-version: 13")]
    [InlineData("tabs and spaces as OWS", "Host:\ta \t|Upgrade:  websocket|Connection:\tUpgrade|Sec-WebSocket-Key: " + Key + "\t|Sec-WebSocket-Version:13")]
    [InlineData("Connection as a list in two lines", "Host: a|Upgrade: websocket|Connection: keep-alive|Connection: close, Upgrade|Sec-WebSocket-Key: " + Key + "|Sec-WebSocket-Version: 13")]
    [InlineData("Upgrade as a list", "Host: a|Upgrade: h2c, WebSocket|Connection: Upgrade|Sec-WebSocket-Key: " + Key + "|Sec-WebSocket-Version: 13")]
    [InlineData("empty Host", "Host:|Upgrade: websocket|Connection: Upgrade|Sec-WebSocket-Key: " + Key + "|Sec-WebSocket-Version: 13")]
    [InlineData("other headers, in any order", "Sec-WebSocket-Version: 13|User-Agent: test/1.0 (x; y)|Connection: Upgrade|Cookie: a=b; c=\"d\"|Sec-WebSocket-Key: " + Key + "|Upgrade: websocket|Host: [::1]:80")]
    public void Parse_ValidVariant_Completes(string what, string headers)
    {
        var parser = Parser();

        Assert.True(HeadParseStatus.Complete == parser.Parse(Bytes(Head(RequestLine, headers.Split('|')))), $"{what}: {parser.DeclineReason}");
    }

    [Theory]
    [InlineData("POST /ws HTTP/1.1", "MethodNotGet")]
    [InlineData("get /ws HTTP/1.1", "MethodNotGet")]
    [InlineData("GETS /ws HTTP/1.1", "MethodNotGet")]
    [InlineData("PRI * HTTP/2.0", "MethodNotGet")]
    [InlineData("GET  /ws HTTP/1.1", "InvalidRequestLine")]
    [InlineData("GET /ws  HTTP/1.1", "InvalidRequestLine")]
    [InlineData("GET /ws HTTP/1.1 ", "InvalidRequestLine")]
    [InlineData("GET /ws", "InvalidRequestLine")]
    [InlineData("GET /ws\tHTTP/1.1", "InvalidRequestLine")]
    [InlineData("GET http://localhost/ws HTTP/1.1", "InvalidRequestTarget")]
    [InlineData("GET localhost:80 HTTP/1.1", "InvalidRequestTarget")]
    [InlineData("GET * HTTP/1.1", "InvalidRequestTarget")]
    [InlineData("GET /ws\"x HTTP/1.1", "InvalidRequestTarget")]
    [InlineData("GET /ws#top HTTP/1.1", "InvalidRequestTarget")]
    [InlineData("GET /w?s HTTP/1.1", null)]
    [InlineData("GET /ws?a=<b> HTTP/1.1", "InvalidRequestTarget")]
    [InlineData("GET /ws?a=%2 HTTP/1.1", "InvalidRequestTarget")]
    [InlineData("GET /ws?a=%zz HTTP/1.1", "InvalidRequestTarget")]
    [InlineData("GET /w\u00e9 HTTP/1.1", "InvalidRequestTarget")]
    [InlineData("GET /w\0s HTTP/1.1", "InvalidRequestLine")]
    [InlineData("GET /ws HTTP/1.0", "UnsupportedHttpVersion")]
    [InlineData("GET /ws HTTP/2.0", "UnsupportedHttpVersion")]
    [InlineData("GET /ws http/1.1", "UnsupportedHttpVersion")]
    [InlineData("GET /ws HTTP/1.10", "UnsupportedHttpVersion")]
    public void Parse_RequestLine_DeclinesWithItsReason(string requestLine, string? reason)
    {
        var parser = Parser();

        var status = parser.Parse(Bytes(Head(requestLine, Valid)));

        // "/w?s" is a valid target, only not Herald's path: the parser completes and the middleware declines it.
        Assert.Equal(reason is null ? HeadParseStatus.Complete : HeadParseStatus.Declined, status);
        if (reason is not null)
        {
            Assert.Equal(reason, parser.DeclineReason.ToString());
        }
    }

    [Theory]
    [InlineData(" folded", "ObsoleteLineFolding")]
    [InlineData("\tfolded", "ObsoleteLineFolding")]
    [InlineData("X-Note : a", "WhitespaceBeforeColon")]
    [InlineData("X-Note\t: a", "WhitespaceBeforeColon")]
    [InlineData("X-Note", "MissingColon")]
    [InlineData(": a", "InvalidHeaderName")]
    [InlineData("X(Note): a", "InvalidHeaderName")]
    [InlineData("X@Note: a", "InvalidHeaderName")]
    [InlineData("X\u0001Note: a", "InvalidHeaderName")]
    [InlineData("X\u00e9: a", "InvalidHeaderName")]
    [InlineData("X-Note: a\0b", "InvalidHeaderValue")]
    [InlineData("X-Note: a\u0001b", "InvalidHeaderValue")]
    [InlineData("X-Note: a\u001bb", "InvalidHeaderValue")]
    [InlineData("X-Note: a\u007fb", "InvalidHeaderValue")]
    [InlineData("X-Note: caf\u00e9", "InvalidHeaderValue")]
    [InlineData("X-Note: a\rb", "BareCarriageReturn")]
    [InlineData("Host: localhost", "MultipleHosts")]
    [InlineData("HOST: other", "MultipleHosts")]
    [InlineData("Upgrade: websocket", "DuplicateHandshakeHeader")]
    [InlineData("Sec-WebSocket-Key: " + Key, "DuplicateHandshakeHeader")]
    [InlineData("Sec-WebSocket-Version: 13", "DuplicateHandshakeHeader")]
    [InlineData("Content-Length: 0", "RequestBody")]
    [InlineData("Transfer-Encoding: chunked", "RequestBody")]
    public void Parse_HeaderLine_DeclinesWithItsReason(string line, string reason)
    {
        var parser = Parser();

        var status = parser.Parse(Bytes(Head(RequestLine, [.. Valid, line])));

        Assert.Equal((HeadParseStatus.Declined, reason), (status, parser.DeclineReason.ToString()));
    }

    [Theory]
    [InlineData("Host", null, "MissingHost")]
    [InlineData("Host", "Host: a b", "InvalidHost")]
    [InlineData("Host", "Host: localhost:", "InvalidHost")]
    [InlineData("Upgrade", null, "NotWebSocketUpgrade")]
    [InlineData("Upgrade", "Upgrade: h2c", "NotWebSocketUpgrade")]
    [InlineData("Upgrade", "Upgrade: websocket2", "NotWebSocketUpgrade")]
    [InlineData("Connection", null, "NotWebSocketUpgrade")]
    [InlineData("Connection", "Connection: keep-alive", "NotWebSocketUpgrade")]
    [InlineData("Connection", "Connection: keep-alive,\tUpgrade", "NotWebSocketUpgrade")]
    [InlineData("Sec-WebSocket-Version", null, "UnsupportedWebSocketVersion")]
    [InlineData("Sec-WebSocket-Version", "Sec-WebSocket-Version: 8", "UnsupportedWebSocketVersion")]
    [InlineData("Sec-WebSocket-Version", "Sec-WebSocket-Version: 13, 8", "UnsupportedWebSocketVersion")]
    [InlineData("Sec-WebSocket-Key", null, "InvalidWebSocketKey")]
    [InlineData("Sec-WebSocket-Key", "Sec-WebSocket-Key: AAAA", "InvalidWebSocketKey")]
    [InlineData("Sec-WebSocket-Key", "Sec-WebSocket-Key:", "InvalidWebSocketKey")]
    public void Parse_HandshakeHeaderMissingOrWrong_DeclinesWithItsReason(string name, string? replacement, string reason)
    {
        string[] headers = [.. Valid.Where(line => !line.StartsWith(name + ":", StringComparison.Ordinal)), .. replacement is null ? [] : new[] { replacement }];
        var parser = Parser();

        var status = parser.Parse(Bytes(Head(RequestLine, headers)));

        Assert.Equal((HeadParseStatus.Declined, reason), (status, parser.DeclineReason.ToString()));
    }

    [Fact]
    public void Parse_TwoFaults_ReportsTheFirst()
    {
        var parser = Parser();

        parser.Parse(Bytes(Head(RequestLine, ["Upgrade : websocket", "Host: a", "Host: b"])));

        Assert.Equal(UpgradeDeclineReason.WhitespaceBeforeColon, parser.DeclineReason);
    }

    [Theory]
    [InlineData("GET /ws HTTP/1.1\n")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: a\n")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: a\r\n\n")]
    public void Parse_BareLineFeed_DeclinesAsSoonAsTheLineEnds(string start)
    {
        var parser = Parser();

        Assert.Equal((HeadParseStatus.Declined, UpgradeDeclineReason.BareLineFeed), (parser.Parse(Bytes(start)), parser.DeclineReason));
    }

    [Theory]
    [InlineData("GET /ws\rHTTP/1.1")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: a\rb")]
    public void Parse_BareCarriageReturnInAnUnfinishedLine_DeclinesAtOnce(string start)
    {
        var parser = Parser();

        Assert.Equal((HeadParseStatus.Declined, UpgradeDeclineReason.BareCarriageReturn), (parser.Parse(Bytes(start)), parser.DeclineReason));
    }

    [Theory]
    [InlineData("GET /ws HTTP/1.1\r")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: a\r")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: a\r\n\r")]
    [InlineData("G")]
    [InlineData("")]
    public void Parse_EndsWhereTheNextByteDecides_NeedsMore(string start)
    {
        Assert.Equal(HeadParseStatus.NeedMore, Parser().Parse(Bytes(start)));
    }

    [Fact]
    public void Parse_NulInAnUnfinishedRequestLine_DeclinesAtOnce()
    {
        var parser = Parser();

        Assert.Equal((HeadParseStatus.Declined, UpgradeDeclineReason.InvalidRequestLine), (parser.Parse(Bytes("GET /w\0")), parser.DeclineReason));
    }

    [Fact]
    public void Parse_NotAGetFromItsFirstBytes_DeclinesAtOnce()
    {
        var parser = Parser();

        Assert.Equal((HeadParseStatus.Declined, UpgradeDeclineReason.MethodNotGet), (parser.Parse(Bytes("PO")), parser.DeclineReason));
    }

    [Theory]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public void Parse_RequestLineAroundMaxRequestLineSize_CountsItsCrLf(int length, bool completes)
    {
        var parser = Parser(new KestrelServerLimits { MaxRequestLineSize = 64 });

        var status = parser.Parse(Bytes(Head(RequestLineOf(length), Valid)));

        Assert.Equal(completes ? (HeadParseStatus.Complete, (UpgradeDeclineReason?)null) : (HeadParseStatus.Declined, (UpgradeDeclineReason?)UpgradeDeclineReason.RequestLineTooLong), (status, parser.DeclineReason));
    }

    [Fact]
    public void Parse_UnfinishedRequestLineReachingMaxRequestLineSize_DeclinesBeforeItsEnd()
    {
        var parser = Parser(new KestrelServerLimits { MaxRequestLineSize = 64 });
        var line = RequestLineOf(200);

        Assert.Equal(HeadParseStatus.NeedMore, parser.Parse(Bytes(line[..63])));
        Assert.Equal(HeadParseStatus.Declined, parser.Parse(Bytes(line[..64])));
        Assert.Equal(UpgradeDeclineReason.RequestLineTooLong, parser.DeclineReason);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public void Parse_HeadersAroundMaxRequestHeadersTotalSize_CountTheirCrLfs(int over, bool completes)
    {
        var total = Valid.Sum(line => line.Length + 2);
        var parser = Parser(new KestrelServerLimits { MaxRequestHeadersTotalSize = total - over });

        var status = parser.Parse(Bytes(Head(RequestLine, Valid)));

        Assert.Equal(completes ? (HeadParseStatus.Complete, (UpgradeDeclineReason?)null) : (HeadParseStatus.Declined, (UpgradeDeclineReason?)UpgradeDeclineReason.HeadersTooLarge), (status, parser.DeclineReason));
    }

    [Fact]
    public void Parse_UnfinishedHeaderLinePastMaxRequestHeadersTotalSize_DeclinesBeforeItsEnd()
    {
        var parser = Parser(new KestrelServerLimits { MaxRequestHeadersTotalSize = 100 });
        var start = $"{RequestLine}\r\nX-Big: ";

        // Kestrel allows 100 bytes of header lines and the blank line's 2: 102 bytes with no LF yet cannot fit.
        Assert.Equal(HeadParseStatus.NeedMore, parser.Parse(Bytes(start + new string('a', 101 - "X-Big: ".Length))));
        Assert.Equal(HeadParseStatus.Declined, parser.Parse(Bytes(start + new string('a', 102 - "X-Big: ".Length))));
        Assert.Equal(UpgradeDeclineReason.HeadersTooLarge, parser.DeclineReason);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public void Parse_HeaderCountAroundMaxRequestHeaderCount_DeclinesOnlyPastIt(int over, bool completes)
    {
        var parser = Parser(new KestrelServerLimits { MaxRequestHeaderCount = Valid.Length + 3 });
        string[] headers = [.. Valid, .. Enumerable.Range(0, 3 + over).Select(i => $"X-{i}: {i}")];

        var status = parser.Parse(Bytes(Head(RequestLine, headers)));

        Assert.Equal(completes ? (HeadParseStatus.Complete, (UpgradeDeclineReason?)null) : (HeadParseStatus.Declined, (UpgradeDeclineReason?)UpgradeDeclineReason.TooManyHeaders), (status, parser.DeclineReason));
    }

    [Fact]
    public void Parse_ThousandHeadersInOneRead_DeclinesWithoutTheEndOfTheHead()
    {
        var parser = Parser();
        var start = RequestLine + "\r\n" + string.Concat(Enumerable.Range(0, 1000).Select(i => $"X-{i}: {i}\r\n"));

        Assert.Equal((HeadParseStatus.Declined, UpgradeDeclineReason.TooManyHeaders), (parser.Parse(Bytes(start)), parser.DeclineReason));
    }

    [Fact]
    public void Parse_AfterAnAnswer_GivesTheSameAnswer()
    {
        var parser = Parser();
        var head = Bytes(Head(RequestLine, [.. Valid, "Host: again"]));

        var first = parser.Parse(head);

        Assert.Equal(first, parser.Parse(head));
        Assert.Equal(first, parser.Parse(Bytes("something else")));
        Assert.Equal(UpgradeDeclineReason.MultipleHosts, parser.DeclineReason);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("localhost", true)]
    [InlineData("localhost:8181", true)]
    [InlineData("127.0.0.1:80", true)]
    [InlineData("my-host.example_x~!$&'()", true)]
    [InlineData("[::1]", true)]
    [InlineData("[::1]:443", true)]
    [InlineData("[fe80::1.2.3.4]", true)]
    [InlineData("a b", false)]
    [InlineData(":80", false)]
    [InlineData("a:", false)]
    [InlineData("a:b", false)]
    [InlineData("a:80:81", false)]
    [InlineData("a/b", false)]
    [InlineData("user@a", false)]
    [InlineData("a,b", false)]
    [InlineData("[::1", false)]
    [InlineData("[::]", false)]
    [InlineData("[::1]x", false)]
    [InlineData("[::1]:", false)]
    [InlineData("[::g]", false)]
    public void IsValidHost_KestrelsRule_AcceptsOnlyHostAndPort(string host, bool valid)
    {
        Assert.Equal(valid, HttpSyntax.IsValidHost(Encoding.ASCII.GetBytes(host)));
    }

    [Theory]
    [InlineData("Upgrade", true)]
    [InlineData("keep-alive, Upgrade", true)]
    [InlineData(" upgrade ,x", true)]
    [InlineData(",,UPGRADE,,", true)]
    [InlineData("keep-alive", false)]
    [InlineData("upgrade2", false)]
    [InlineData("up grade", false)]
    [InlineData("keep-alive,\tupgrade", false)]
    [InlineData("", false)]
    public void ListContainsToken_CommaSeparatedList_FindsTheTokenIgnoringCaseAndSpaces(string list, bool found)
    {
        Assert.Equal(found, HttpSyntax.ListContainsToken(Encoding.ASCII.GetBytes(list), "upgrade"u8));
    }

    private static RequestHeadParser Parser(KestrelServerLimits? limits = null) => new(limits ?? new KestrelServerLimits());

    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.Latin1.GetBytes(text));

    private static string Head(string requestLine, IEnumerable<string> headers) =>
        $"{requestLine}\r\n{string.Concat(headers.Select(header => header + "\r\n"))}\r\n";

    /// <summary>A valid upgrade request line of exactly <paramref name="length"/> bytes with its CRLF.</summary>
    private static string RequestLineOf(int length) => $"GET /ws?{new string('a', length - "GET /ws? HTTP/1.1\r\n".Length)} HTTP/1.1";
}
