using System.Globalization;

namespace Herald.Bench.Platform;

/// <summary>
/// The processes that serve one run (<c>--server-pid PID[,PID...]</c>): the first is the node that holds the
/// connections, whose memory, open-files limit and collections are the run's; CPU is the sum of all of them, since
/// on a cluster every node and the Redis server between them work for each message.
/// </summary>
internal sealed class ServerProcesses
{
    private ServerProcesses(IReadOnlyList<ProcessProbe> all) => All = all;

    /// <summary>The node that holds the connections.</summary>
    public ProcessProbe Primary => All[0];

    /// <summary>Every process given, the primary first.</summary>
    public IReadOnlyList<ProcessProbe> All { get; }

    /// <summary>Whether more than one process was given, so that per-process figures are worth reporting.</summary>
    public bool IsGroup => All.Count > 1;

    /// <summary>Parses a comma-separated list of process ids, each of a running process, none twice.</summary>
    /// <returns>Null when <paramref name="text"/> holds no id.</returns>
    /// <exception cref="ArgumentException">An id is not a positive whole number, is given twice, or names no process; the message says which.</exception>
    public static ServerProcesses? Parse(string text)
    {
        var probes = new List<ProcessProbe>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid < 1)
            {
                throw new ArgumentException($"'{part}' is not a process id");
            }

            if (probes.Exists(probe => probe.Pid == pid))
            {
                throw new ArgumentException($"{pid} is given twice");
            }

            probes.Add(ProcessProbe.TryOpen(pid) ?? throw new ArgumentException($"{pid}: no such process"));
        }

        return probes.Count == 0 ? null : new ServerProcesses(probes);
    }

    /// <summary>User plus system CPU time of every process, summed.</summary>
    public TimeSpan ReadCpuTime()
    {
        var total = TimeSpan.Zero;
        foreach (var probe in All)
        {
            total += probe.ReadCpuTime();
        }

        return total;
    }

    /// <summary>Each process's CPU time, in the order of <see cref="All"/>.</summary>
    public TimeSpan[] ReadCpuTimes() => [.. All.Select(static probe => probe.ReadCpuTime())];
}
