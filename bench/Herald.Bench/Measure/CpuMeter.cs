using System.Diagnostics;
using Herald.Bench.Output;
using Herald.Bench.Platform;

namespace Herald.Bench.Measure;

/// <summary>
/// CPU time used by the generator and (when their pids are known) the server's processes over one window of wall
/// time: their sum, and with more than one process each one's share too.
/// </summary>
internal sealed class CpuMeter
{
    private readonly ServerProcesses? _server;
    private readonly long _startedAt;
    private readonly TimeSpan _generatorStart;
    private readonly TimeSpan[] _serverStart;

    private CpuMeter(ServerProcesses? server)
    {
        _server = server;
        _serverStart = server?.ReadCpuTimes() ?? [];
        _generatorStart = Environment.CpuUsage.TotalTime;
        _startedAt = Stopwatch.GetTimestamp();
    }

    public static CpuMeter Start(ServerProcesses? server) => new(server);

    public CpuFigures Stop()
    {
        var wall = PreciseClock.SecondsSince(_startedAt);
        var generator = (Environment.CpuUsage.TotalTime - _generatorStart).TotalSeconds;
        var used = _server?.ReadCpuTimes().Select((now, i) => (now - _serverStart[i]).TotalSeconds).ToArray();
        double? server = used?.Sum();
        ProcessCpu[]? byProcess = _server is { IsGroup: true }
            ? [.. _server.All.Select((probe, i) => new ProcessCpu(probe.Pid, Round.To3(used![i]), Round.To1(100 * used[i] / wall)))]
            : null;
        return new CpuFigures(
            WallSeconds: Round.To3(wall),
            GeneratorCpuSeconds: Round.To3(generator),
            GeneratorCpuPercentOfCore: Round.To1(100 * generator / wall),
            ServerCpuSeconds: server is { } s ? Round.To3(s) : null,
            ServerCpuPercentOfCore: server is { } p ? Round.To1(100 * p / wall) : null,
            ServerProcesses: byProcess);
    }
}
