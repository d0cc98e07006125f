using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Hosting;

/// <summary>The standalone host as an operator runs it: a real process, real signals.</summary>
public sealed class ServerProcessTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StandaloneHost_SeedDemoThenSigterm_DeliversThenCloses1001AndExitsCleanly()
    {
        var port = HeraldProcess.FreePort();
        await using var host = await HeraldProcess.StartAsync(["--urls", $"http://localhost:{port}"]);
        using var http = new HttpClient();
        await using var browser = await TestClient.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws"));
        await browser.SendTextAsync("""{"uid":"123"}""");
        await Eventually.TrueAsync(
            async () => (await http.GetStringAsync($"http://127.0.0.1:{port}/api/v1/users/123", Cancellation)).Contains("\"online\":true", StringComparison.Ordinal),
            "user 123 to log in");

        var answer = await http.GetStringAsync($"http://localhost:{port}/send?uid=123&message=Hello%20World", Cancellation);

        Assert.Equal("""{"delivered":1}""", answer);
        Assert.Equal("Hello World", await browser.ReceiveTextAsync());

        host.Terminate();

        Assert.Equal((int)WebSocketCloseStatus.EndpointUnavailable, await browser.ReceiveCloseAsync());
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("Insecure default in force", host.Output, StringComparison.Ordinal);
        Assert.Contains("Shutdown: every connection closed", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StandaloneHost_NoUrlsConfigured_ListensOnLocalhost8181()
    {
        if (!IsPortFree(8181))
        {
            Assert.Skip("port 8181 is in use on this machine, so the default address cannot be tested here");
        }

        await using var host = await HeraldProcess.StartAsync([], waitForStart: false);
        if (!await host.WaitUntilStartedAsync() && host.Output.Contains("address already in use", StringComparison.Ordinal))
        {
            Assert.Skip("port 8181 was taken between the check and the start, so the default address cannot be tested here");
        }

        Assert.Contains("Herald started on http://localhost:8181", host.Output, StringComparison.Ordinal);
        using var http = new HttpClient();
        Assert.Contains("\"connections\":0", await http.GetStringAsync("http://127.0.0.1:8181/api/v1/stats", Cancellation), StringComparison.Ordinal);
    }

    /// <summary>Each kind of invalid setting: one line naming it, no log of the host's with a stack trace, exit code 1.</summary>
    [Theory]
    [InlineData("--Herald:LoginTimeout=00:00:00", "Herald:LoginTimeout must be a duration above zero and up to 01:00:00, written like 00:00:10 (was 00:00:00; note that a bare number such as 10 means days).")]
    [InlineData("--Herald:MaxQueuedMessages=abc", "Failed to convert configuration value 'abc' at 'Herald:MaxQueuedMessages' to type 'System.Int32'.")]
    [InlineData("--Kestrel:Limits:MaxRequestHeaderCount=0", "a value under Kestrel:Limits is out of range: Value must be a positive number. (Parameter 'value')")]
    [InlineData("--Kestrel:Limits:KeepAliveTimeout=abc", "Failed to convert configuration value 'abc' at 'Kestrel:Limits:KeepAliveTimeout' to type 'System.TimeSpan'.")]
    [InlineData("--Herald:StrictConfiguration=true --Herald:MaxQueuedMessage=5", "Herald:MaxQueuedMessage is not a Herald setting (did you mean MaxQueuedMessages?), and Herald:StrictConfiguration refuses unknown keys.")]
    public async Task StandaloneHost_InvalidConfiguration_PrintsOneLineNamingItAndExits1(string settings, string reason)
    {
        await using var host = await HeraldProcess.StartAsync(
            ["--urls", $"http://127.0.0.1:{HeraldProcess.FreePort()}", .. settings.Split(' ')], waitForStart: false);

        Assert.Equal(1, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal($"Herald did not start: {reason}", host.Output);
    }

    [Fact]
    public async Task StandaloneHost_DefaultRun_ServesTheDemoPageAtTheRoot()
    {
        var port = HeraldProcess.FreePort();
        await using var host = await HeraldProcess.StartAsync(["--urls", $"http://127.0.0.1:{port}"]);
        using var http = new HttpClient();

        using var page = await http.GetAsync($"http://127.0.0.1:{port}/", Cancellation);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("herald/demo.js", await page.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StandaloneHost_DemoPageOffInEnvironment_AnswersNotFoundAtTheRoot()
    {
        var port = HeraldProcess.FreePort();
        await using var host = await HeraldProcess.StartAsync(
            ["--urls", $"http://127.0.0.1:{port}"], new Dictionary<string, string> { ["Herald__DemoPage"] = "false" });
        using var http = new HttpClient();

        using var page = await http.GetAsync($"http://127.0.0.1:{port}/", Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
    }

    [Fact]
    public async Task StandaloneHost_MisspeltKeyInEnvironment_WarnsWithTheNearestKeyAndStarts()
    {
        await using var host = await HeraldProcess.StartAsync(
            ["--urls", $"http://127.0.0.1:{HeraldProcess.FreePort()}"], new Dictionary<string, string> { ["Herald__MaxQueuedMessage"] = "5" });

        Assert.Contains("Configuration key Herald:MaxQueuedMessage is not a Herald setting and is ignored; did you mean MaxQueuedMessages?", host.Output, StringComparison.Ordinal);
        Assert.Contains("MaxQueuedMessages=1024", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StandaloneHost_PortInUse_RefusesToStartNamingTheAddress()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        await using var host = await HeraldProcess.StartAsync(["--urls", $"http://127.0.0.1:{port}"], waitForStart: false);

        Assert.Equal(1, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"Herald did not start: Failed to bind to address http://127.0.0.1:{port}: address already in use.", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StandaloneHost_EnvironmentVariable_OverridesOption()
    {
        var port = HeraldProcess.FreePort();
        await using var host = await HeraldProcess.StartAsync(
            ["--urls", $"http://127.0.0.1:{port}"], new Dictionary<string, string> { ["Herald__MaxUserIdLength"] = "4" });
        await using var client = await TestClient.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws"));

        await client.SendTextAsync("""{"uid":"12345"}""");

        Assert.Equal(HeraldCloseCodes.InvalidLogin, await client.ReceiveCloseAsync());
        Assert.Contains("MaxUserIdLength=4", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StandaloneHost_RequestHeadersTimeoutOnCommandLine_ClosesUnfinishedHeadsOnBothPathsByThen()
    {
        var port = HeraldProcess.FreePort();
        await using var host = await HeraldProcess.StartAsync(
            ["--urls", $"http://127.0.0.1:{port}", "--Kestrel:Limits:RequestHeadersTimeout=00:00:02"]);
        using var upgrade = new TcpClient();
        using var request = new TcpClient();
        await upgrade.ConnectAsync(IPAddress.Loopback, port, Cancellation);
        await request.ConnectAsync(IPAddress.Loopback, port, Cancellation);

        // The first waits on the direct path, the second (not a GET) in Kestrel's HTTP layer; both heads stay unfinished.
        await upgrade.GetStream().WriteAsync("GET /ws HTTP/1.1\r\nHost: slow\r\n"u8.ToArray(), Cancellation);
        await request.GetStream().WriteAsync("POST /api/v1/publish HTTP/1.1\r\nHost: slow\r\n"u8.ToArray(), Cancellation);
        var closes = await Task.WhenAll(
            RawHttp.TimeUntilClosedAsync(upgrade.GetStream(), TimeSpan.FromSeconds(15)),
            RawHttp.TimeUntilClosedAsync(request.GetStream(), TimeSpan.FromSeconds(15)));

        // Kestrel's default is 30 s; 2 s from the command line must apply to both (Kestrel checks its own once a second).
        Assert.All(closes, closed => Assert.InRange(closed ?? TimeSpan.MaxValue, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(8)));
    }

    [Fact]
    public async Task StandaloneHost_MaxRequestHeaderCountOnCommandLine_BoundsTheDirectPathsUpgrades()
    {
        var port = HeraldProcess.FreePort();
        await using var host = await HeraldProcess.StartAsync(["--urls", $"http://127.0.0.1:{port}", "--Kestrel:Limits:MaxRequestHeaderCount=6"]);
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var upgrade = $"GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {RawWebSocketClient.NewKey()}\r\nSec-WebSocket-Version: 13\r\n";

        var six = await RawHttp.ExchangeAsync(baseAddress, upgrade + "X-Sixth: 6\r\n\r\n");
        var seven = await RawHttp.ExchangeAsync(baseAddress, upgrade + "X-Sixth: 6\r\nX-Seventh: 7\r\n\r\n");

        // Kestrel's default is 100: the seventh header must be one too many for the direct path as for Kestrel.
        Assert.Equal((101, 431), (six.Status, seven.Status));
    }

    private static bool IsPortFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
