using System.Text;
using Herald.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Tests.Sockets;

/// <summary>
/// <c>Herald:Api:DirectSend</c>: the seed's GET /send answered on Herald's socket transport, byte for byte as
/// ASP.NET Core answers it, and every request it does not answer left to ASP.NET Core with the rest of its connection.
/// </summary>
public sealed class DirectSendTests
{
    private static readonly Dictionary<string, string?> DirectSendOn = new() { ["Herald:Api:DirectSend"] = "true" };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Send_IsAnsweredAndDeliveredWithoutAKestrelConnection()
    {
        await using var server = await StartAsync();
        await using var client = await server.ConnectAsUserAsync("123");

        var answers = await DirectSendExchange.UntilClosedAsync(server.BaseAddress, Request("/send?uid=123&message=Hello%20World", "Connection: close\r\n"));

        Assert.Equal(DirectSendExchange.Delivered(1, close: true), DirectSendExchange.WithoutDate(answers));
        Assert.Equal("Hello World", await client.ReceiveTextAsync());
        Assert.False(server.Logs.Contains("ConnectionStart"), "Kestrel made a connection for the send");
        Assert.Equal(0, server.AspNetCoreRequestsTo("/send"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Connection: close\r\n")]
    [InlineData("connection: Keep-Alive\r\n")]
    [InlineData("User-Agent: curl/8.5.0\r\nAccept: */*\r\n")]
    [InlineData("Authorization: Bearer not-a-key\r\n")]
    public async Task Answer_IsTheOneAspNetCoreWrites(string headers)
    {
        await using var direct = await StartAsync();
        await using var kestrel = await HeraldTestServer.StartAsync(direct: true);
        await using var directClient = await direct.ConnectAsUserAsync("u");
        await using var kestrelClient = await kestrel.ConnectAsUserAsync("u");
        var request = Request("/send?message=a+b%2Bc%E2%9C%93&uid=u&uid=other", headers) + Request("/send?uid=nobody&message=x", "Connection: close\r\n");

        var fromDirect = await DirectSendExchange.UntilClosedAsync(direct.BaseAddress, request);
        var fromKestrel = await DirectSendExchange.UntilClosedAsync(kestrel.BaseAddress, request);

        Assert.Equal(DirectSendExchange.WithoutDate(fromKestrel), DirectSendExchange.WithoutDate(fromDirect));
        Assert.Equal("a b+c\u2713", await directClient.ReceiveTextAsync());
        Assert.False(direct.Logs.Contains("ConnectionStart"), "Kestrel made a connection for the sends");
    }

    [Fact]
    public async Task ManySendsInOneWrite_AreAnsweredAndDeliveredInOrder()
    {
        await using var server = await StartAsync();
        await using var client = await server.ConnectAsUserAsync("pipelined");
        var requests = new StringBuilder();
        for (var i = 0; i < 100; i++)
        {
            requests.Append(Request($"/send?uid=pipelined&message={i}", i == 99 ? "Connection: close\r\n" : ""));
        }

        var answers = await DirectSendExchange.UntilClosedAsync(server.BaseAddress, requests.ToString());

        Assert.Equal(100, DirectSendExchange.CountAnswers(answers, "{\"delivered\":1}"));
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), await client.ReceiveTextAsync());
        }

        Assert.False(server.Logs.Contains("ConnectionStart"), "Kestrel made a connection for the sends");
    }

    [Fact]
    public async Task RequestThatIsNoDirectSend_TakesTheRestOfTheConnectionToKestrel()
    {
        await using var server = await StartAsync();
        await using var client = await server.ConnectAsUserAsync("mixed");
        var requests = Request("/send?uid=mixed&message=first") + Request("/api/v1/users/mixed") + Request("/send?uid=mixed&message=third", "Connection: close\r\n");

        var answers = await DirectSendExchange.UntilClosedAsync(server.BaseAddress, requests);

        Assert.Equal(3, DirectSendExchange.CountAnswers(answers, "HTTP/1.1 200 OK"));
        Assert.Contains("\"online\":true", answers, StringComparison.Ordinal);
        Assert.Equal("first", await client.ReceiveTextAsync());
        Assert.Equal("third", await client.ReceiveTextAsync());
        Assert.True(server.Logs.Contains("ConnectionStart"), "the presence request did not reach Kestrel");
        Assert.Equal(1, server.AspNetCoreRequestsTo("/send"));
    }

    [Theory]
    [InlineData("/send?uid=&message=x", "", "HTTP/1.1 400 ")]
    [InlineData("/send?uid=u", "", "HTTP/1.1 400 ")]
    [InlineData("/SEND?uid=u&message=x", "", "HTTP/1.1 200 ")]
    [InlineData("/send/?uid=u&message=x", "", "HTTP/1.1 200 ")]
    [InlineData("/send?uid=u&message=x", "X-Forwarded-For: 203.0.113.7\r\n", "HTTP/1.1 200 ")]
    [InlineData("/send?uid=u&message=x", "Expect: 100-continue\r\n", "HTTP/1.1 200 ")]
    [InlineData("/send?uid=u&message=x", "Connection: TE\r\nTE: trailers\r\n", "HTTP/1.1 200 ")]
    [InlineData("/send?uid=u&message=x", "Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n", "HTTP/1.1 200 ")]
    public async Task RequestThatAspNetCoreMightAnswerOtherwise_GoesToIt(string target, string headers, string expectedStatus)
    {
        await using var server = await StartAsync();

        var answers = await DirectSendExchange.UntilClosedAsync(server.BaseAddress, Request(target, headers + "Connection: close\r\n"));

        Assert.StartsWith(expectedStatus, answers, StringComparison.Ordinal);
        Assert.Equal(1, server.AspNetCoreRequestsTo(new Uri(server.BaseAddress, target).AbsolutePath));
    }

    [Fact]
    public async Task ApiKeysConfigured_SendsGoToAspNetCoresAccessControl()
    {
        await using var server = await StartAsync(new Dictionary<string, string?>(DirectSendOn) { ["Herald:Api:Keys:backend:Hash"] = TestApiKeys.HashOf(TestApiKeys.Backend) });

        var answers = await DirectSendExchange.UntilClosedAsync(server.BaseAddress, Request("/send?uid=u&message=x", "Connection: close\r\n"));

        Assert.StartsWith("HTTP/1.1 401 ", answers, StringComparison.Ordinal);
        Assert.Equal(1, server.AspNetCoreRequestsTo("/send"));
    }

    [Fact]
    public async Task AllowedHostsListed_EverySendGoesToAspNetCore()
    {
        await using var server = await StartAsync(new Dictionary<string, string?>(DirectSendOn) { ["AllowedHosts"] = "example.com" }, hostFiltering: true);

        var answers = await DirectSendExchange.UntilClosedAsync(server.BaseAddress, Request("/send?uid=u&message=x", "Connection: close\r\n"));

        Assert.StartsWith("HTTP/1.1 400 ", answers, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Off_ByDefault()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true);

        Assert.Equal(0, await server.SendAsync("u", "x"));

        Assert.Equal(1, server.AspNetCoreRequestsTo("/send"));
    }

    [Fact]
    public async Task IdleBetweenSends_IsClosedAfterKestrelsKeepAliveTimeout()
    {
        await using var server = await StartAsync(kestrel: limits => limits.KeepAliveTimeout = TimeSpan.FromMilliseconds(500));
        using var tcp = await DirectSendExchange.ConnectAsync(server.BaseAddress);
        var stream = tcp.GetStream();

        await stream.WriteAsync(Encoding.ASCII.GetBytes(Request("/send?uid=u&message=x")), Cancellation);

        Assert.StartsWith("HTTP/1.1 200 OK", await RawHttp.ReadHeadAsync(stream, RawHttp.DefaultTimeout), StringComparison.Ordinal);
        var closedAfter = await RawHttp.TimeUntilClosedAsync(stream, TimeSpan.FromSeconds(15));
        Assert.NotNull(closedAfter);
        Assert.False(server.Logs.Contains("ConnectionStart"), "Kestrel made a connection for the send");
    }

    [Fact]
    public async Task ServerStops_AnIdleConnectionBetweenSendsIsClosed()
    {
        var server = await StartAsync();
        await using (server)
        {
            using var tcp = await DirectSendExchange.ConnectAsync(server.BaseAddress);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(Request("/send?uid=u&message=x")), Cancellation);
            Assert.StartsWith("HTTP/1.1 200 OK", await RawHttp.ReadHeadAsync(stream, RawHttp.DefaultTimeout), StringComparison.Ordinal);

            var stopping = server.StopAsync();
            Assert.NotNull(await RawHttp.TimeUntilClosedAsync(stream, TimeSpan.FromSeconds(15)));
            await stopping;
        }
    }

    private static Task<HeraldTestServer> StartAsync(Dictionary<string, string?>? settings = null, Action<KestrelServerLimits>? kestrel = null, bool hostFiltering = false) =>
        HeraldTestServer.StartAsync(direct: true, settings: settings ?? DirectSendOn, configureBuilder: builder =>
        {
            if (kestrel is not null)
            {
                builder.Services.Configure<KestrelServerOptions>(options => kestrel(options.Limits));
            }

            if (hostFiltering)
            {
                builder.Services.AddHostFiltering(options => options.AllowedHosts = [builder.Configuration["AllowedHosts"]!]);
            }
        }, configureApp: app =>
        {
            if (hostFiltering)
            {
                app.UseHostFiltering();
            }
        });

    private static string Request(string target, string headers = "") => $"GET {target} HTTP/1.1\r\nHost: localhost\r\n{headers}\r\n";
}
