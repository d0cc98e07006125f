using System.Diagnostics;
using Herald.Bench.Output;
using Herald.Bench.Platform;

namespace Herald.Bench.Measure;

/// <summary>CPU time used by the generator and (when its pid is known) the server over one window of wall time.</summary>
internal sealed class CpuMeter
{
    private readonly ProcessProbe? _server;
    private readonly long _startedAt;
    private readonly TimeSpan _generatorStart;
    private readonly TimeSpan _serverStart;

    private CpuMeter(ProcessProbe? server)
    {
        _server = server;
        _serverStart = server?.ReadCpuTime() ?? TimeSpan.Zero;
        _generatorStart = Environment.CpuUsage.TotalTime;
        _startedAt = Stopwatch.GetTimestamp();
    }

    public static CpuMeter Start(ProcessProbe? server) => new(server);

    public CpuFigures Stop()
    {
        var wall = PreciseClock.SecondsSince(_startedAt);
        var generator = (Environment.CpuUsage.TotalTime - _generatorStart).TotalSeconds;
        double? server = _server is null ? null : (_server.ReadCpuTime() - _serverStart).TotalSeconds;
        return new CpuFigures(
            WallSeconds: Round.To3(wall),
            GeneratorCpuSeconds: Round.To3(generator),
            GeneratorCpuPercentOfCore: Round.To1(100 * generator / wall),
            ServerCpuSeconds: server is { } s ? Round.To3(s) : null,
            ServerCpuPercentOfCore: server is { } p ? Round.To1(100 * p / wall) : null);
    }
}
