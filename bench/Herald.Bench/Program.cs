using System.Runtime.InteropServices;
using Herald.Bench.Cli;
using Herald.Bench.Compare;
using Herald.Bench.Output;
using Herald.Bench.Platform;
using Herald.Bench.Scenarios;

if (!OperatingSystem.IsLinux())
{
    Console.Error.WriteLine("Herald.Bench runs on Linux only: it reads /proc and calls libc.");
    return 1;
}

// Socket completions run on the epoll thread instead of hopping to a thread-pool worker: one wake-up per received
// message instead of two. Read when the first socket starts, so it must be set before any. (Measured under
// throughput --mode batch: context switches were the largest single cost in the generator's profile.) An explicit
// setting in the environment wins, for comparing.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

if (args is [] or ["help"] or ["-h"] or ["--help"])
{
    Console.Out.WriteLine(Usage.Text);
    return args.Length == 0 ? 2 : 0;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

// SIGTERM too ends the run through the token, so that compare kills the servers it started; should the run not end
// within a grace period (a blocked call), the servers are killed here and the generator exits anyway.
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancellation.Cancel();
    _ = Task.Delay(TimeSpan.FromSeconds(15)).ContinueWith(static _ =>
    {
        ServerProcess.KillAll();
        Environment.Exit(143);
    }, TaskScheduler.Default);
});

try
{
    var arguments = BenchArguments.Parse(args);
    FileDescriptorLimit.RaiseToHardLimit();
    if (arguments.Scenario == "compare")
    {
        ComparisonWriter.Write(await CompareCommand.RunAsync(arguments, cancellation.Token));
    }
    else
    {
        ResultWriter.Write(await ScenarioRunner.RunAsync(arguments, cancellation.Token));
    }

    return 0;
}
catch (UsageException exception)
{
    Console.Error.WriteLine($"error: {exception.Message}");
    Console.Error.WriteLine();
    Console.Error.WriteLine(Usage.Text);
    return 2;
}
catch (BenchFailedException exception)
{
    Console.Error.WriteLine($"failed: {exception.Message}");
    return 1;
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("cancelled");
    return 130;
}
