using Herald.Bench.Output;
using Herald.Bench.Platform;

namespace Herald.Bench.Measure;

/// <summary>
/// The server's CPU over a connect burst, user and system apart, per connection: what an accepted upgrade plus
/// its login costs the server, the kernel's share (accept, the TCP handshake, epoll) in the system time.
/// </summary>
internal sealed class ConnectCostMeter
{
    private readonly ProcessProbe? _server;
    private readonly (TimeSpan User, TimeSpan System) _serverStart;
    private readonly TimeSpan _generatorStart;

    private ConnectCostMeter(ProcessProbe? server)
    {
        _server = server;
        _serverStart = server?.ReadCpuTimes() ?? default;
        _generatorStart = Environment.CpuUsage.TotalTime;
    }

    public static ConnectCostMeter Start(ProcessProbe? server) => new(server);

    /// <returns>Null without a server to measure, or when nothing connected.</returns>
    public ConnectCost? Stop(int connections)
    {
        if (_server is null || connections == 0)
        {
            return null;
        }

        var (user, system) = _server.ReadCpuTimes();
        var userMicroseconds = (user - _serverStart.User).TotalMicroseconds / connections;
        var systemMicroseconds = (system - _serverStart.System).TotalMicroseconds / connections;
        var generatorMicroseconds = (Environment.CpuUsage.TotalTime - _generatorStart).TotalMicroseconds / connections;
        return new ConnectCost(
            Round.To1(userMicroseconds + systemMicroseconds), Round.To1(userMicroseconds), Round.To1(systemMicroseconds), Round.To1(generatorMicroseconds));
    }
}
