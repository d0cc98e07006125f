using Herald.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace Herald.Tests.Hosting;

/// <summary>
/// TLS from configuration (a certificate file the test writes) with the web host's <c>UseHeraldDirectWebSockets()</c>:
/// where the direct path can follow Kestrel's TLS, and where it stays off and says so.
/// </summary>
public sealed class TlsConfigurationTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("pfx")]
    [InlineData("pem")]
    public async Task KestrelEndpoint_CertificateFile_ServesWssOnTheDirectPath(string format)
    {
        using var certificate = TestCertificate.Create();
        using var files = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0" };
        AddCertificate(settings, "Kestrel:Endpoints:Https:Certificate", certificate, files, format);

        await using var server = await StartAsync(certificate, settings);
        await using var client = await server.ConnectAsUserAsync("ada");

        Assert.Equal(1, await server.SendAsync("ada", "configured"));
        Assert.Equal("configured", await client.ReceiveTextAsync());
        Assert.Equal(0, server.AspNetCoreRequestsTo("/ws"));
        Assert.False(server.Logs.Contains("DirectPathBeforeTls"));
    }

    [Fact]
    public async Task KestrelEndpoint_PlainHttpBesideHttps_ServesBothOnTheDirectPath()
    {
        using var certificate = TestCertificate.Create();
        using var files = new TempDirectory();
        var settings = new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0",
            ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0",
        };
        AddCertificate(settings, "Kestrel:Endpoints:Https:Certificate", certificate, files, "pfx");

        await using var server = await StartAsync(certificate, settings);
        var plain = new Uri(server.Addresses.Single(address => address.StartsWith("http:", StringComparison.Ordinal)));
        await using var secure = await server.ConnectAsUserAsync("ada");
        await using var insecure = await TestClient.ConnectAsync(new Uri($"ws://{plain.Authority}/ws"));
        await insecure.SendTextAsync("""{"uid":"ada"}""");
        await Eventually.TrueAsync(() => server.Hub.GetUser("ada").Connections == 2, "both connections to log in");

        Assert.Equal(2, await server.Hub.SendToUserAsync("ada", "both", Cancellation));
        Assert.Equal("both", await secure.ReceiveTextAsync());
        Assert.Equal("both", await insecure.ReceiveTextAsync());
        Assert.Equal(0, server.AspNetCoreRequestsTo("/ws"));
    }

    [Fact]
    public async Task KestrelEndpoint_WithSni_WarnsAndServesThroughAspNetCore()
    {
        using var certificate = TestCertificate.Create();
        using var files = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0" };
        AddCertificate(settings, "Kestrel:Endpoints:Https:Sni:*:Certificate", certificate, files, "pfx");

        await using var server = await StartAsync(certificate, settings);
        await using var client = await server.ConnectAsUserAsync("ada");

        Assert.Equal(1, await server.SendAsync("ada", "sni"));
        Assert.Equal("sni", await client.ReceiveTextAsync());
        Assert.Equal(1, server.AspNetCoreRequestsTo("/ws"));
        Assert.Single(server.Logs.Entries, entry => entry.EventName == "DirectPathBeforeTls");
    }

    [Fact]
    public async Task HttpsUrl_WithDefaultCertificate_WarnsAndServesThroughAspNetCore()
    {
        using var certificate = TestCertificate.Create();
        using var files = new TempDirectory();
        var settings = new Dictionary<string, string?>();
        AddCertificate(settings, "Kestrel:Certificates:Default", certificate, files, "pfx");

        await using var server = await StartAsync(certificate, settings, web => web.UseUrls("https://127.0.0.1:0"));
        await using var client = await server.ConnectAsUserAsync("ada");

        Assert.Equal(1, await server.SendAsync("ada", "from --urls"));
        Assert.Equal("from --urls", await client.ReceiveTextAsync());
        Assert.Equal(1, server.AspNetCoreRequestsTo("/ws"));
        Assert.Single(server.Logs.Entries, entry => entry.EventName == "DirectPathBeforeTls");
    }

    private static Task<HeraldTestServer> StartAsync(
        TestCertificate certificate, Dictionary<string, string?> settings, Action<IWebHostBuilder>? more = null) =>
        HeraldTestServer.StartAsync(direct: true, tls: certificate, endpoints: web =>
        {
            // The slim builder leaves out the HTTPS configuration that reads certificates from configuration.
            web.UseKestrelHttpsConfiguration();
            web.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(settings));
            more?.Invoke(web);
        });

    private static void AddCertificate(Dictionary<string, string?> settings, string section, TestCertificate certificate, TempDirectory files, string format)
    {
        if (format == "pfx")
        {
            certificate.WritePfx(files.PathOf("server.pfx"), "pfx password");
            settings[$"{section}:Path"] = files.PathOf("server.pfx");
            settings[$"{section}:Password"] = "pfx password";
        }
        else
        {
            certificate.WritePem(files.PathOf("server.crt"), files.PathOf("server.key"));
            settings[$"{section}:Path"] = files.PathOf("server.crt");
            settings[$"{section}:KeyPath"] = files.PathOf("server.key");
        }
    }
}
