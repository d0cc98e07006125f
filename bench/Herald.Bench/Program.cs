using Herald.Bench.Cli;
using Herald.Bench.Platform;
using Herald.Bench.Scenarios;

if (!OperatingSystem.IsLinux())
{
    Console.Error.WriteLine("Herald.Bench runs on Linux only: it reads /proc and calls libc.");
    return 1;
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

try
{
    var arguments = BenchArguments.Parse(args);
    FileDescriptorLimit.RaiseToHardLimit();
    await (arguments.Scenario switch
    {
        "idle" => IdleScenario.RunAsync(arguments, cancellation.Token),
        "latency" => LatencyScenario.RunAsync(arguments, cancellation.Token),
        "throughput" => ThroughputScenario.RunAsync(arguments, cancellation.Token),
        "churn" => ChurnScenario.RunAsync(arguments, cancellation.Token),
        "fanout" => throw new UsageException("fanout is not available: the server has no broadcast or topic API yet"),
        var other => throw new UsageException($"unknown scenario '{other}'"),
    });
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
