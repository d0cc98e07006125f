using System.Globalization;

namespace Herald.Redis.Tests.Infrastructure;

/// <summary>Sends a POSIX signal to a child process by PID with kill(1), as a service manager or an operator would.</summary>
public static class Signals
{
    public static async Task SendAsync(int pid, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {pid} exited with {kill.ExitCode}");
        }
    }
}
