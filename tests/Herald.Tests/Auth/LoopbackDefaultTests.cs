using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json;
using Herald.Auth;
using Herald.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Tests.Auth;

/// <summary>With no API key configured, the HTTP API serves loopback callers only.</summary>
public sealed class LoopbackDefaultTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SeedDemo_NoKeyConfigured_IsServedFromLoopback()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("123");

        var answer = await server.Http.GetStringAsync("/send?uid=123&message=Hello%20World", Cancellation);
        using var stats = await server.Http.GetAsync("/api/v1/stats", Cancellation);

        Assert.Equal("""{"delivered":1}""", answer);
        Assert.Equal("Hello World", await client.ReceiveTextAsync());
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
    }

    [Fact]
    public async Task Send_NoKeyConfiguredAndClientBeyondAProxy_Returns403SayingHowToConfigureKeys()
    {
        // The proxy is loopback (ASP.NET Core's default known proxy); the client it names is not.
        await using var server = await HeraldTestServer.StartAsync(configureApp: app => app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor }));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/send?uid=123&message=hi");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        using var response = await server.Http.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal("API keys not configured", problem.RootElement.GetProperty("title").GetString());
        Assert.Equal(
            "This server has no API key configured, so only loopback callers may use its HTTP API, and this request came from 203.0.113.7. " +
            "Configure a key: set Herald:Api:Keys:<name>:Hash to its SHA-256 in hex (printf %s \"$KEY\" | sha256sum) and Herald:Api:Keys:<name>:Scope to Publish or Admin; see docs/security.md.",
            problem.RootElement.GetProperty("detail").GetString());
        Assert.Contains(server.Logs.Entries, entry => entry.EventName == "ApiCallerNotLoopback" && entry.Message.Contains("from 203.0.113.7", StringComparison.Ordinal));
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);
    }

    [Fact]
    public async Task Send_NoKeyConfiguredFromThisHostsOwnNetworkAddress_Returns403()
    {
        var address = NonLoopbackAddress();
        if (address is null)
        {
            Assert.Skip("this machine has no IPv4 address but loopback, so no real non-loopback caller can be made");
        }

        await using var server = await HeraldTestServer.StartAsync(configureBuilder: builder => builder.WebHost.UseUrls($"http://{address}:0"));

        using var response = await server.Http.GetAsync("/send?uid=123&message=hi", Cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains($"this request came from {address}.", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", 200)]
    [InlineData("127.255.0.9", 200)]
    [InlineData("::1", 200)]
    [InlineData("::ffff:127.0.0.1", 200)]
    [InlineData("10.0.0.1", 403)]
    [InlineData("192.0.2.2", 403)]
    [InlineData("::ffff:10.0.0.1", 403)]
    [InlineData("2001:db8::1", 403)]
    [InlineData("::", 403)]
    [InlineData(null, 403)]
    public async Task Gate_NoKeyConfigured_LetsInLoopbackAddressesOnly(string? remote, int status)
    {
        // No real peer can have most of these addresses on this machine: the gate is run on a real HttpContext instead.
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        await using var provider = services.AddHerald().Services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Connection.RemoteIpAddress = remote is null ? null : IPAddress.Parse(remote);
        context.Request.Method = "GET";
        context.Request.Path = "/send";
        context.Response.Body = new MemoryStream();
        var reached = false;

        await provider.GetRequiredService<ApiRequestGate>().InvokeAsync(context, HeraldApiAuthorization.PublishPolicy, _ =>
        {
            reached = true;
            return Task.CompletedTask;
        });

        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal(status == 200, reached);
    }

    private static IPAddress? NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(network => network.OperationalStatus == OperationalStatus.Up)
            .SelectMany(network => network.GetIPProperties().UnicastAddresses)
            .Select(unicast => unicast.Address)
            .FirstOrDefault(address => address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address));
}
