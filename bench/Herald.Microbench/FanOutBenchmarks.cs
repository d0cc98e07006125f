using BenchmarkDotNet.Attributes;

namespace Herald.Microbench;

/// <summary>
/// One publish to a user with N connections: the frame is prepared once, queued to each connection and written
/// by each send loop. Divide the allocation by N for the cost per recipient, which must be 0 B.
/// </summary>
[MemoryDiagnoser]
public class FanOutBenchmarks
{
    private Hub _hub = null!;

    [Params(1, 100, 10_000)]
    public int Recipients { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _hub = new Hub();
        for (var i = 0; i < Recipients; i++)
        {
            _hub.Connect("fan-out");
        }
    }

    [Benchmark]
    public async Task<int> PublishToUserAndDrain()
    {
        var queued = await _hub.Publisher.SendToUserAsync("fan-out", "{\"progress\":42,\"job\":\"export-2026-11\"}", CancellationToken.None);
        _hub.WaitUntilDrained();
        return queued;
    }
}
