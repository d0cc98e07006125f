using System.Text;
using CsCheck;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Sockets;

/// <summary>
/// The direct /send against ASP.NET Core itself, over generated requests (CsCheck): valid sends with random
/// mutations of every part of the head, each written on a connection of its own to a server with the direct send
/// and to one without, followed by a send that closes the connection. Both must answer byte for byte the same
/// (but for <c>Date</c>), and deliver the same messages: whatever the direct send answers, it answers as ASP.NET Core
/// would, and whatever it leaves, ASP.NET Core answers.
/// </summary>
public sealed class DirectSendConformanceTests
{
    private const string QueryChars = "abcdefghijklmnopqrstuvwxyz0123456789-._~!$'()*,;:@/?";

    private static readonly Gen<string> Methods = Gen.Frequency((8, Gen.Const("GET")), (1, Gen.OneOf("get", "HEAD", "POST", "GET\t", "GE")));

    private static readonly Gen<string> Paths = Gen.Frequency(
        (8, Gen.Const("/send")),
        (1, Gen.OneOf("/SEND", "/send/", "//send", "/sen%64", "/send;x", "/sendx", "/ws", "/nowhere", "*", "http://localhost/send")));

    private static readonly Gen<string> QueryParts = Gen.Frequency(
        (4, Gen.OneOf("uid=u", "message=x", "message=a+b", "message=%E2%9C%93", "uid=nobody")),
        (1, Gen.OneOf("uid=", "message=", "uid=%75", "Uid=u", "uid", "message=%ZZ", "message=%C3", "message=%00", "=", "", "message=\u00e9")),
        (1, Gen.Char[QueryChars].Array[1, 12].Select(chars => new string(chars))));

    private static readonly Gen<string> Queries = Gen.Frequency(
        (3, Gen.Select(Gen.OneOf("x", "a+b", "%E2%9C%93", "%7B%22json%22%3A1%7D"), QueryParts.Array[0, 2], Gen.Bool, (message, more, uidFirst) =>
            "?" + string.Join('&', (uidFirst ? new[] { "uid=u", "message=" + message } : ["message=" + message, "uid=u"]).Concat(more)))),
        (2, QueryParts.Array[0, 5].Select(parts => parts.Length == 0 ? "" : "?" + string.Join('&', parts))));

    private static readonly Gen<string> Versions = Gen.Frequency((8, Gen.Const("HTTP/1.1")), (1, Gen.OneOf("HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "http/1.1", "HTTP/1.1 ")));

    private static readonly Gen<string> Headers = Gen.OneOf(
        "Host: localhost", "Host: [::1]:80", "host: LOCALHOST:8181", "Host: ", "Host: a b", "Host: localhost\r\nHost: localhost",
        "Connection: close", "Connection: keep-alive", "Connection: Keep-Alive, close", "Connection: upgrade", "Connection: foo", "Connection: ,close,",
        "Content-Length: 0", "Content-Length: 3", "Transfer-Encoding: chunked", "X-Forwarded-For: 10.0.0.1", "X-Forwarded-Proto: https", "Forwarded: for=10.0.0.1",
        "Expect: 100-continue", "Authorization: Bearer x", "X-Api-Key: k", "Upgrade: websocket", "User-Agent: curl/8.5.0", "Accept: */*",
        " folded", "Bad Header: x", "X-A:\tv\t", "X-Null: a\0b", "X-Latin: \u00e9", ":empty", "X-Long: " + new string('v', 200));

    private static readonly Gen<string> Requests = Gen.Select(
        Methods,
        Paths,
        Queries,
        Versions,
        Gen.Frequency((6, Gen.Const(new[] { "Host: localhost" })), (4, Headers.Array[0, 4])),
        Gen.Frequency((9, Gen.Const("\r\n")), (1, Gen.OneOf("\n", "\r"))),
        (method, path, query, version, headers, lineEnd) =>
            $"{method} {path}{query} {version}\r\n" + string.Concat(headers.Select(header => header + lineEnd)) + "\r\n");

    [Fact]
    public async Task GeneratedRequests_AreAnsweredAndDeliveredAsAspNetCoreDoes()
    {
        await using var direct = await HeraldTestServer.StartAsync(direct: true, settings: new Dictionary<string, string?> { ["Herald:Api:DirectSend"] = "true" });
        await using var kestrel = await HeraldTestServer.StartAsync(direct: true);
        await using var directClient = await direct.ConnectAsUserAsync("u");
        await using var kestrelClient = await kestrel.ConnectAsUserAsync("u");
        var round = 0;

        await Requests.SampleAsync(
            async request =>
            {
                var exchange = request + "GET /send?uid=u&message=last HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
                var fromDirect = await DirectSendExchange.UntilClosedAsync(direct.BaseAddress, exchange);
                var fromKestrel = await DirectSendExchange.UntilClosedAsync(kestrel.BaseAddress, exchange);
                Assert.Equal(DirectSendExchange.WithoutDate(fromKestrel), DirectSendExchange.WithoutDate(fromDirect));

                var marker = $"marker {++round}";
                Assert.Equal(await ReceivedUntilAsync(kestrel, kestrelClient, marker), await ReceivedUntilAsync(direct, directClient, marker));
            },
            iter: 500,
            threads: 1,
            print: request => Encoding.Latin1.GetString(Encoding.Latin1.GetBytes(request)).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal));

        // Every exchange is a connection of its own: those the direct send served to the end never reached Kestrel
        // (about a quarter: most mutations send a connection to Kestrel, as they should).
        Assert.True(KestrelConnections(direct) * 10 < KestrelConnections(kestrel) * 9, $"the direct send served few of the connections: {KestrelConnections(direct)} of {KestrelConnections(kestrel)} reached Kestrel");
    }

    private static int KestrelConnections(HeraldTestServer server) => server.Logs.Entries.Count(entry => entry.EventName == "ConnectionStart");

    /// <summary>Sends <paramref name="marker"/> to the user and returns every message the client received up to it.</summary>
    private static async Task<List<string>> ReceivedUntilAsync(HeraldTestServer server, TestClient client, string marker)
    {
        Assert.Equal(1, await server.SendAsync("u", marker));
        var received = new List<string>();
        string message;
        while ((message = await client.ReceiveTextAsync()) != marker)
        {
            received.Add(message);
        }

        return received;
    }
}
