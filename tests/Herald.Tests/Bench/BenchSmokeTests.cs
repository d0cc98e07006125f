using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Bench;

/// <summary>
/// Each load-generator scenario, tiny and quick, against a real server: the tool keeps working and its counts
/// agree with what the server delivered. Numbers are not judged here; docs/benchmarks.md holds those.
/// </summary>
public sealed class BenchSmokeTests
{
    [Fact]
    public async Task Idle_TwentyConnections_AllLiveAndClosedCleanly()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true);

        var result = await RunBenchAsync(
            server, "idle", "--connections", "20", "--idle-seconds", "1", "--settle-seconds", "0", "--warmup-connections", "0", "--server-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(20, result.GetProperty("connections").GetInt32());
        Assert.Equal(result.GetProperty("probesSent").GetInt32(), result.GetProperty("probesReceived").GetInt32());
        Assert.Equal(0, result.GetProperty("connectionsLost").GetInt32());
        Assert.Equal(20, result.GetProperty("closedCleanly").GetInt32());

        // The server is this test's own .NET process: the tool made it collect twice and read its heap each time.
        Assert.True(result.GetProperty("serverLiveHeapBytes").GetInt64() > 0);
        Assert.True(result.GetProperty("serverLiveHeapAfterCloseBytes").GetInt64() > 0);
        Assert.Equal(JsonValueKind.Number, result.GetProperty("serverLiveHeapPerConnectionBytes").ValueKind);
    }

    [Fact]
    public async Task Idle_FourTabsAUser_TwentyConnectionsOfFiveUsers_AllLoggedInAndProbed()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true);

        var result = await RunBenchAsync(
            server, "idle", "--connections", "20", "--tabs", "4", "--idle-seconds", "1", "--settle-seconds", "0", "--warmup-connections", "0", "--live-heap", "off");

        Assert.Equal((20, 5), (result.GetProperty("connections").GetInt32(), result.GetProperty("users").GetInt32()));
        Assert.True(result.GetProperty("allLoginsConfirmed").GetBoolean());
        Assert.Equal(result.GetProperty("probesSent").GetInt32(), result.GetProperty("probesReceived").GetInt32());
        Assert.Equal(20, result.GetProperty("closedCleanly").GetInt32());
    }

    [Fact]
    public async Task Idle_OverTls_TwentyConnectionsLiveOnTheDirectPath()
    {
        using var certificate = TestCertificate.Create();
        await using var server = await HeraldTestServer.StartAsync(direct: true, tls: certificate);

        var result = await RunBenchAsync(
            server, "idle", "--connections", "20", "--idle-seconds", "1", "--settle-seconds", "0", "--warmup-connections", "0", "--server-cert-sha256", certificate.Thumbprint);

        Assert.Equal(20, result.GetProperty("connections").GetInt32());
        Assert.Equal(result.GetProperty("probesSent").GetInt32(), result.GetProperty("probesReceived").GetInt32());
        Assert.Equal(20, result.GetProperty("closedCleanly").GetInt32());
        Assert.Equal(0, server.AspNetCoreRequestsTo("/ws"));
    }

    [Fact]
    public async Task Latency_HundredMessages_AllDeliveredOnce()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true);

        var result = await RunBenchAsync(server, "latency", "--users", "10", "--rate", "200", "--messages", "100", "--warmup", "0");

        Assert.Equal(100, result.GetProperty("delivered").GetInt64());
        Assert.Equal(0, result.GetProperty("lost").GetInt64());
        Assert.Equal(0, result.GetProperty("duplicated").GetInt64());
        Assert.True(result.GetProperty("latency").GetProperty("p99Ms").GetDouble() > 0);
    }

    [Fact]
    public async Task Latency_DotNetServer_ReportsItsGcFigures()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true);

        // The test server runs in this process, so this process's runtime is the one read.
        var result = await RunBenchAsync(
            server, "latency", "--users", "10", "--rate", "200", "--messages", "100", "--warmup", "0", "--server-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

        var gc = result.GetProperty("gc");
        Assert.Equal(JsonValueKind.Object, gc.ValueKind);
        foreach (var field in new[] { "gen0", "gen1", "gen2", "gen2Background", "pauses" })
        {
            Assert.True(gc.GetProperty(field).GetInt32() >= 0, field);
        }

        Assert.True(gc.GetProperty("maxPauseMs").GetDouble() <= gc.GetProperty("totalPauseMs").GetDouble());
        Assert.Equal(100, result.GetProperty("delivered").GetInt64());
    }

    [Fact]
    public async Task Latency_GcEventsOff_ReportsNoGcFigures()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true);

        var result = await RunBenchAsync(
            server, "latency", "--users", "5", "--rate", "200", "--messages", "20", "--warmup", "0", "--gc-events", "off", "--server-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(JsonValueKind.Null, result.GetProperty("gc").ValueKind);
    }

    [Fact]
    public async Task Throughput_OneSecond_NothingLost()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true);

        var result = await RunBenchAsync(server, "throughput", "--users", "10", "--seconds", "1", "--concurrency", "2");

        Assert.True(result.GetProperty("published").GetInt64() > 0);
        Assert.Equal(result.GetProperty("published").GetInt64(), result.GetProperty("delivered").GetInt64());
        Assert.Equal(0, result.GetProperty("lost").GetInt64());
        Assert.Equal(server.Hub.GetStats().MessagesPublished, result.GetProperty("published").GetInt64());
    }

    [Fact]
    public async Task ThroughputBatch_OneSecond_EveryMessageOnce()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true);

        var result = await RunBenchAsync(server, "throughput", "--mode", "batch", "--batch-size", "20", "--users", "10", "--seconds", "1", "--concurrency", "2");

        var published = result.GetProperty("published").GetInt64();
        Assert.Equal("batch", result.GetProperty("mode").GetString());
        Assert.Equal(20, result.GetProperty("messagesPerCall").GetInt32());
        Assert.True(published > 0);
        Assert.Equal(0, published % 20);
        Assert.Equal(published, result.GetProperty("delivered").GetInt64());
        Assert.Equal(0, result.GetProperty("lost").GetInt64());
        Assert.Equal(0, result.GetProperty("duplicated").GetInt64());
        Assert.Equal(0, result.GetProperty("misdelivered").GetInt64());
        Assert.Equal(published, result.GetProperty("latency").GetProperty("samples").GetInt64());
        Assert.Equal(server.Hub.GetStats().MessagesPublished, published);
    }

    [Fact]
    public async Task FanoutBroadcast_TenSubscribers_EveryCopyOnce()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true);

        var result = await RunBenchAsync(server, "fanout", "--subscribers", "10", "--rate", "20", "--seconds", "1", "--warmup", "2");

        Assert.Equal("broadcast", result.GetProperty("target").GetString());
        AssertEveryCopyOnce(result, copies: 20 * 10);
    }

    [Fact]
    public async Task FanoutTopic_TenHeraldV1Subscribers_EveryCopyOnce()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true);

        var result = await RunBenchAsync(server, "fanout", "--topic", "bench", "--subscribers", "10", "--rate", "20", "--seconds", "1", "--warmup", "2");

        Assert.Equal("topic:bench", result.GetProperty("target").GetString());
        AssertEveryCopyOnce(result, copies: 20 * 10);
    }

    [Fact]
    public async Task Throughput_SeveralServerPids_CpuSummedAndEachReported()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true);

        // A second process stands in for the other node or the Redis server of a cluster: its CPU joins the sum.
        using var other = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            var self = Environment.ProcessId;
            var result = await RunBenchAsync(
                server, "throughput", "--users", "10", "--seconds", "1", "--concurrency", "2", "--gc-events", "off", "--user-prefix", "other-",
                "--server-pid", string.Create(CultureInfo.InvariantCulture, $"{self},{other.Id}"));

            Assert.True(result.GetProperty("published").GetInt64() > 0);
            Assert.Equal(result.GetProperty("published").GetInt64(), result.GetProperty("delivered").GetInt64());
            Assert.Equal(self, result.GetProperty("run").GetProperty("serverPid").GetInt32());
            Assert.Equal([self, other.Id], result.GetProperty("run").GetProperty("serverPids").EnumerateArray().Select(static pid => pid.GetInt32()));
            var window = result.GetProperty("window");
            var processes = window.GetProperty("serverProcesses").EnumerateArray().ToArray();
            Assert.Equal([self, other.Id], processes.Select(static process => process.GetProperty("pid").GetInt32()));
            var sum = processes.Sum(static process => process.GetProperty("cpuSeconds").GetDouble());
            Assert.Equal(window.GetProperty("serverCpuSeconds").GetDouble(), sum, 0.005);
        }
        finally
        {
            other.Kill();
        }
    }

    [Fact]
    public async Task Throughput_OneServerPid_NoPerProcessFigures()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true);

        var result = await RunBenchAsync(
            server, "throughput", "--users", "5", "--seconds", "1", "--concurrency", "1", "--gc-events", "off", "--server-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

        Assert.False(result.GetProperty("run").TryGetProperty("serverPids", out _));
        Assert.False(result.GetProperty("run").TryGetProperty("publishUrl", out _));
        Assert.False(result.GetProperty("window").TryGetProperty("serverProcesses", out _));
        Assert.True(result.GetProperty("window").GetProperty("serverCpuSeconds").GetDouble() >= 0);
    }

    [Fact]
    public async Task Churn_OneSecond_ServerReturnsToZero()
    {
        await using var server = await HeraldTestServer.StartAsync(direct: true);

        var result = await RunBenchAsync(server, "churn", "--seconds", "1", "--concurrency", "2");

        Assert.True(result.GetProperty("cycles").GetInt64() > 0);
        Assert.True(result.GetProperty("returnedToZero").GetBoolean());
        Assert.Equal(0, server.Hub.GetStats().Connections);
    }

    private static void AssertEveryCopyOnce(JsonElement result, long copies)
    {
        Assert.Equal(10, result.GetProperty("subscribers").GetInt32());
        Assert.Equal(0, result.GetProperty("publishErrors").GetInt64());
        Assert.Equal(copies, result.GetProperty("expected").GetInt64());
        Assert.Equal(copies, result.GetProperty("queued").GetInt64());
        Assert.Equal(copies, result.GetProperty("delivered").GetInt64());
        Assert.Equal(0, result.GetProperty("lost").GetInt64());
        Assert.Equal(0, result.GetProperty("duplicated").GetInt64());
        Assert.Equal(0, result.GetProperty("unrecognized").GetInt64());
        Assert.Equal(0, result.GetProperty("warmupLost").GetInt64());
        Assert.Equal(copies, result.GetProperty("latency").GetProperty("samples").GetInt64());
    }

    private static Task<JsonElement> RunBenchAsync(HeraldTestServer server, params string[] arguments) =>
        BenchProcess.RunScenarioAsync(server.BaseAddress, arguments);
}
