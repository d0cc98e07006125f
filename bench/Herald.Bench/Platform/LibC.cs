using System.Runtime.InteropServices;

namespace Herald.Bench.Platform;

/// <summary>The few libc calls the generator needs on Linux (64-bit: rlim_t, time_t and long are 8 bytes).</summary>
internal static partial class LibC
{
    private const string Library = "libc";

    /// <summary>RLIMIT_NOFILE: the open-file-descriptor limit.</summary>
    public const int ResourceOpenFiles = 7;

    /// <summary>_SC_CLK_TCK: the clock-tick rate /proc/&lt;pid&gt;/stat counts CPU time in.</summary>
    public const int ConfClockTicks = 2;

    /// <summary>PR_SET_TIMERSLACK: how late the kernel may wake this thread from a sleep, in nanoseconds.</summary>
    public const int ProcessSetTimerSlack = 29;

    /// <summary>SIGTERM: asks a process to end.</summary>
    public const int SignalTerminate = 15;

    [StructLayout(LayoutKind.Sequential)]
    internal struct ResourceLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport(Library, EntryPoint = "getrlimit", SetLastError = true)]
    public static partial int GetResourceLimit(int resource, out ResourceLimit limit);

    [LibraryImport(Library, EntryPoint = "setrlimit", SetLastError = true)]
    public static partial int SetResourceLimit(int resource, in ResourceLimit limit);

    [LibraryImport(Library, EntryPoint = "sysconf", SetLastError = true)]
    public static partial long SysConf(int name);

    [LibraryImport(Library, EntryPoint = "nanosleep", SetLastError = true)]
    public static partial int NanoSleep(in TimeSpec request, IntPtr remaining);

    [LibraryImport(Library, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport(Library, EntryPoint = "prctl", SetLastError = true)]
    public static partial int ProcessControl(int option, nuint argument2, nuint argument3, nuint argument4, nuint argument5);
}
