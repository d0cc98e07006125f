using Herald.Tests.Infrastructure;

namespace Herald.Tests.Hosting;

/// <summary>The start-up lines (event 107) that say which limits on clients are in force and where client addresses come from.</summary>
public sealed class LimitsReportTests
{
    [Fact]
    public async Task Start_Defaults_ReportsEveryLimitAndThePeerAsTheClient()
    {
        await using var server = await HeraldTestServer.StartAsync();

        var lines = Protections(server);

        Assert.Contains("Protection connection limits: on (MaxConnectionsPerUser=100, MaxConnectionsPerIp=1000 (loopback not counted), MaxPendingLogins=10000, MaxTopicsPerConnection=64)", lines);
        Assert.Contains("Protection message rate: on (ClientMessageBurst=100 at once, then ClientMessagesPerSecond=50; one more closes with 4006)", lines);
        Assert.Contains("Protection forwarded headers: off (a client's address is its TCP peer's; behind a proxy, list it in Herald:ForwardedHeaders)", lines);
    }

    [Fact]
    public async Task Start_WithKnownProxiesAndLimitsOff_ReportsThem()
    {
        await using var server = await HeraldTestServer.StartAsync(o =>
        {
            (o.MaxConnectionsPerIp, o.ClientMessagesPerSecond) = (0, 0);
            o.ForwardedHeaders.Header = "Forwarded";
            o.ForwardedHeaders.KnownProxies.Add("10.0.0.5");
            o.ForwardedHeaders.KnownNetworks.Add("10.1.0.0/16");
            o.ForwardedHeaders.KnownNetworks.Add("fd00::/8");
        });

        var lines = Protections(server);

        Assert.Contains(lines, line => line.StartsWith("Protection connection limits: on (MaxConnectionsPerUser=100, MaxConnectionsPerIp=off,", StringComparison.Ordinal));
        Assert.Contains("Protection message rate: off (Herald:ClientMessagesPerSecond is 0: a client may send as fast as it likes)", lines);
        Assert.Contains("Protection forwarded headers: on (Forwarded names the client when the peer is a known proxy (1 in KnownProxies, 2 in KnownNetworks); from any other peer it is ignored)", lines);
    }

    private static List<string> Protections(HeraldTestServer server) =>
        [.. server.Logs.Entries.Where(entry => entry.EventName == "Protection").Select(entry => entry.Message)];
}
