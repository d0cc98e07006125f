using Herald.Tests.Infrastructure;

namespace Herald.Tests.Hosting;

/// <summary>The standalone host with a certificate file from its configuration, as an operator sets it up.</summary>
public sealed class ServerTlsTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("pfx on the command line")]
    [InlineData("pem in environment variables")]
    public async Task StandaloneHost_CertificateFileFromConfiguration_ServesWssOnTheDirectPath(string setup)
    {
        using var certificate = TestCertificate.Create();
        using var files = new TempDirectory();
        var port = HeraldProcess.FreePort();
        var url = $"https://127.0.0.1:{port}";
        string[] arguments =
        [
            // What shows which path served /ws: event 200 (Debug) and ASP.NET Core's request log (Information).
            "--Logging:LogLevel:Herald.Connections.ClientConnection=Debug",
            "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Information",
        ];
        var environment = new Dictionary<string, string>();
        if (setup.StartsWith("pfx", StringComparison.Ordinal))
        {
            certificate.WritePfx(files.PathOf("herald.pfx"), "secret");
            arguments = [.. arguments, $"--Kestrel:Endpoints:Https:Url={url}", $"--Kestrel:Endpoints:Https:Certificate:Path={files.PathOf("herald.pfx")}", "--Kestrel:Endpoints:Https:Certificate:Password=secret"];
        }
        else
        {
            certificate.WritePem(files.PathOf("herald.crt"), files.PathOf("herald.key"));
            environment["Kestrel__Endpoints__Https__Url"] = url;
            environment["Kestrel__Endpoints__Https__Certificate__Path"] = files.PathOf("herald.crt");
            environment["Kestrel__Endpoints__Https__Certificate__KeyPath"] = files.PathOf("herald.key");
        }

        await using var host = await HeraldProcess.StartAsync(arguments, environment);
        using var http = new HttpClient(certificate.CreateHandler()) { BaseAddress = new Uri(url) };
        await using var browser = await TestClient.ConnectAsync(new Uri($"wss://127.0.0.1:{port}/ws"), options => options.RemoteCertificateValidationCallback = certificate.Validate);
        await browser.SendTextAsync("""{"uid":"123"}""");
        await Eventually.TrueAsync(
            async () => (await http.GetStringAsync("/api/v1/users/123", Cancellation)).Contains("\"online\":true", StringComparison.Ordinal),
            "user 123 to log in over wss");

        Assert.Equal("""{"delivered":1}""", await http.GetStringAsync("/send?uid=123&message=Hello%20TLS", Cancellation));
        Assert.Equal("Hello TLS", await browser.ReceiveTextAsync());

        // The console logger writes in order: once /send's request is there, a request to /ws would be too.
        await Eventually.TrueAsync(() => host.Output.Contains($"Request starting HTTP/1.1 GET {url}/send?", StringComparison.Ordinal), "the log of /send");
        Assert.DoesNotContain($"Request starting HTTP/1.1 GET {url}/ws", host.Output, StringComparison.Ordinal);
        Assert.Contains(" over wss", host.Output, StringComparison.Ordinal);
        Assert.Contains($"Herald started on {url}", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("The direct WebSocket path is off", host.Output, StringComparison.Ordinal);
    }
}
