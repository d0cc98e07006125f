using System.Runtime.InteropServices;

namespace Herald.Bench.Platform;

/// <summary>
/// The generator's own open-files limit: raised from the soft to the hard limit at start, then used to cap how
/// many sockets a scenario may open, with a plain warning when the cap bites.
/// </summary>
internal static class FileDescriptorLimit
{
    /// <summary>Descriptors kept for the runtime, stdio, /proc reads and the API's HTTP connections.</summary>
    public const int Reserve = 64;

    /// <summary>The soft limit in force after <see cref="RaiseToHardLimit"/>.</summary>
    public static ulong Current { get; private set; } = ulong.MaxValue;

    public static void RaiseToHardLimit()
    {
        if (LibC.GetResourceLimit(LibC.ResourceOpenFiles, out var limit) != 0)
        {
            Console.Error.WriteLine($"warning: getrlimit(RLIMIT_NOFILE) failed (errno {Marshal.GetLastSystemError()}); the open-files limit is unknown");
            return;
        }

        if (limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            if (LibC.SetResourceLimit(LibC.ResourceOpenFiles, raised) == 0)
            {
                limit = raised;
            }
            else
            {
                Console.Error.WriteLine($"warning: setrlimit(RLIMIT_NOFILE) to the hard limit {limit.Maximum} failed (errno {Marshal.GetLastSystemError()}); staying at {limit.Current}");
            }
        }

        Current = limit.Current;
    }

    /// <summary>
    /// How many of <paramref name="requested"/> sockets fit beside <paramref name="otherSockets"/> under the limit;
    /// says so on stderr when that is fewer than asked for.
    /// </summary>
    public static int Cap(int requested, int otherSockets, string what)
    {
        var room = (long)Math.Min(Current, int.MaxValue) - Reserve - otherSockets;
        if (requested <= room)
        {
            return requested;
        }

        var capped = (int)Math.Max(0, room);
        Console.Error.WriteLine(
            $"warning: the open-files hard limit ({Current}) caps {what} at {capped} instead of the {requested} requested; " +
            "raise it (ulimit -Hn, or LimitNOFILE for a service) to run the full count");
        return capped;
    }
}
