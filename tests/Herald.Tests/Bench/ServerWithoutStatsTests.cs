using System.Globalization;
using System.Text.Json;

namespace Herald.Tests.Bench;

/// <summary>
/// The load generator against a server of the seed's design (<see cref="SeedDesignServer"/>: no /api/v1/stats, /send
/// answers ok or 404): measured by its PID only, logins confirmed by probes, counters absent (null), and the scenarios
/// that need Herald's API refused plainly. Numbers are not judged.
/// </summary>
public sealed class ServerWithoutStatsTests
{
    private static readonly string TestPid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Idle_ServerWithoutStats_MeasuredByPidWithCountersAbsent()
    {
        await using var server = await SeedDesignServer.StartAsync();

        var result = await BenchProcess.RunScenarioAsync(
            server.BaseAddress, "idle", "--connections", "20", "--idle-seconds", "1", "--settle-seconds", "0", "--warmup-connections", "5", "--server-pid", TestPid);

        Assert.False(result.GetProperty("run").GetProperty("serverHasStats").GetBoolean());
        Assert.Equal(20, result.GetProperty("connections").GetInt32());
        Assert.True(result.GetProperty("allLoginsConfirmed").GetBoolean());
        Assert.Equal(result.GetProperty("probesSent").GetInt32(), result.GetProperty("probesReceived").GetInt32());
        Assert.Equal(JsonValueKind.Number, result.GetProperty("serverCpuMicrosecondsPerConnect").ValueKind);
        Assert.Equal(JsonValueKind.Number, result.GetProperty("serverRssPerConnectionBytes").ValueKind);
        Assert.Equal(JsonValueKind.Null, result.GetProperty("serverReturnedToBaseline").ValueKind);
        Assert.Equal(20, result.GetProperty("closedCleanly").GetInt32());
    }

    [Fact]
    public async Task Latency_ServerWithoutStats_EveryMessageOnceAndCountersNull()
    {
        await using var server = await SeedDesignServer.StartAsync();

        var result = await BenchProcess.RunScenarioAsync(server.BaseAddress, "latency", "--users", "10", "--rate", "200", "--messages", "100", "--warmup", "10");

        Assert.Equal(100, result.GetProperty("delivered").GetInt64());
        Assert.Equal(0, result.GetProperty("lost").GetInt64());
        Assert.Equal(0, result.GetProperty("duplicated").GetInt64());
        Assert.Equal(0, result.GetProperty("notQueued").GetInt64());
        Assert.Equal(0, result.GetProperty("warmupLost").GetInt64());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("serverCounters").ValueKind);
        Assert.Equal(JsonValueKind.Null, result.GetProperty("gc").ValueKind);
    }

    [Fact]
    public async Task ThroughputSend_ServerWithoutStats_EveryOkReceivedOnce()
    {
        await using var server = await SeedDesignServer.StartAsync();

        var result = await BenchProcess.RunScenarioAsync(server.BaseAddress, "throughput", "--users", "10", "--seconds", "1", "--concurrency", "2");

        var published = result.GetProperty("published").GetInt64();
        Assert.True(published > 0);
        Assert.Equal(published, result.GetProperty("queued").GetInt64());
        Assert.Equal(published, result.GetProperty("delivered").GetInt64());
        Assert.Equal(0, result.GetProperty("lost").GetInt64());
        Assert.Equal(0, result.GetProperty("publishErrors").GetInt64());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("serverCounters").ValueKind);
    }

    [Fact]
    public async Task Churn_ServerWithoutStats_CyclesWithoutTheCountsCheck()
    {
        await using var server = await SeedDesignServer.StartAsync();

        var result = await BenchProcess.RunScenarioAsync(server.BaseAddress, "churn", "--seconds", "1", "--concurrency", "2");

        Assert.True(result.GetProperty("cycles").GetInt64() > 0);
        Assert.Equal(0, result.GetProperty("failures").GetProperty("total").GetInt64());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("returnedToZero").ValueKind);
        Assert.Equal(JsonValueKind.Null, result.GetProperty("drained").ValueKind);
    }

    [Theory]
    [InlineData("fanout", "--subscribers", "5")]
    [InlineData("fanout", "--topic", "bench")]
    [InlineData("throughput", "--mode", "batch")]
    public async Task HeraldApiScenario_ServerWithoutStats_RefusedPlainly(string scenario, string option, string value)
    {
        await using var server = await SeedDesignServer.StartAsync();

        var outcome = await BenchProcess.RunAsync([scenario, option, value, "--url", server.BaseAddress.ToString().TrimEnd('/')]);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains($"{scenario} needs Herald's API", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("api/v1/stats answers 404", outcome.Stderr, StringComparison.Ordinal);
    }
}
