using System.Globalization;

namespace Herald.Bench.Platform;

/// <summary>Reads another process's memory, CPU time and open-files limit from /proc.</summary>
internal sealed class ProcessProbe
{
    private static readonly double ClockTicksPerSecond = ReadClockTicks();

    private readonly string _directory;

    private ProcessProbe(int pid)
    {
        Pid = pid;
        _directory = $"/proc/{pid}";
    }

    public int Pid { get; }

    /// <returns>Null when no process has that id.</returns>
    public static ProcessProbe? TryOpen(int pid)
    {
        var probe = new ProcessProbe(pid);
        return File.Exists($"{probe._directory}/stat") ? probe : null;
    }

    /// <summary>Resident set size (VmRSS), in bytes.</summary>
    public long ReadRssBytes()
    {
        foreach (var line in File.ReadLines($"{_directory}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kilobytes = line.AsSpan(6).Trim().TrimEnd("kB").Trim();
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"{_directory}/status has no VmRSS line (is {Pid} a zombie?)");
    }

    /// <summary>User plus system CPU time the process has used (utime + stime).</summary>
    public TimeSpan ReadCpuTime()
    {
        var (user, system) = ReadCpuTimes();
        return user + system;
    }

    /// <summary>User and system CPU time the process has used (utime and stime), apart.</summary>
    public (TimeSpan User, TimeSpan System) ReadCpuTimes()
    {
        // The command name (field 2) may hold spaces and parentheses: count fields from the last ')'.
        var stat = File.ReadAllText($"{_directory}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

        // Fields 14 and 15 of the whole line are the 12th and 13th after the command name.
        return (
            TimeSpan.FromSeconds(long.Parse(fields[11], CultureInfo.InvariantCulture) / ClockTicksPerSecond),
            TimeSpan.FromSeconds(long.Parse(fields[12], CultureInfo.InvariantCulture) / ClockTicksPerSecond));
    }

    /// <returns>The soft "Max open files" limit, or null when it is unlimited or unreadable.</returns>
    public long? ReadOpenFilesLimit()
    {
        foreach (var line in File.ReadLines($"{_directory}/limits"))
        {
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                var soft = line["Max open files".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
            }
        }

        return null;
    }

    private static double ReadClockTicks()
    {
        var ticks = LibC.SysConf(LibC.ConfClockTicks);
        return ticks > 0 ? ticks : 100;
    }
}
