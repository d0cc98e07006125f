using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Herald.Bench.Platform;

/// <summary>
/// A .NET server's managed heap after a full collection: an EventPipe session with the runtime's GC-heap-collect
/// keyword makes the server run a full blocking collection (what <c>dotnet-gcdump</c> does, without the dump), and
/// the heap's size after it, all generations, is read from that collection's heap-stats event. It is what is live
/// plus the free space the collection left between live objects; unlike RSS it holds no garbage that no
/// collection has reached yet, so it tells what a connection keeps, not how far the collector lags.
/// </summary>
internal static class HeapAfterCollection
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";

    // ClrTraceEventParser.Keywords.GCHeapCollect: starting a session with it induces a collection.
    private const long GCHeapCollectKeyword = 0x800000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <returns>The heap's bytes after the induced collection; null for a process that is not .NET, or without an answer in time.</returns>
    public static async Task<long?> MeasureAsync(ProcessProbe process)
    {
        if (!GcEventSession.IsDotNet(process))
        {
            return null;
        }

        try
        {
            using var deadline = new CancellationTokenSource(Timeout);
            var provider = new EventPipeProvider(RuntimeProvider, EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC | GCHeapCollectKeyword);
            using var session = await new DiagnosticsClient(process.Pid).StartEventPipeSessionAsync([provider], requestRundown: false, circularBufferMB: 16, deadline.Token);
            var measured = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);

            // A thread of its own: the source reads the stream synchronously (see GcEventSession).
            var reader = Task.Factory.StartNew(() => Read(session, measured), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            try
            {
                return await measured.Task.WaitAsync(deadline.Token);
            }
            finally
            {
                await session.StopAsync(CancellationToken.None).WaitAsync(Timeout);
                await reader.WaitAsync(Timeout);
            }
        }
        catch (Exception exception) when (exception is ServerNotAvailableException or UnsupportedCommandException or IOException or TimeoutException or OperationCanceledException)
        {
            Console.Error.WriteLine($"warning: no heap size after a collection from process {process.Pid} ({exception.GetType().Name}: {exception.Message}); it is n/a");
            return null;
        }
    }

    private static void Read(EventPipeSession session, TaskCompletionSource<long> measured)
    {
        using var source = new EventPipeEventSource(session.EventStream);
        var inducedCount = -1;
        source.Clr.GCStart += start =>
        {
            if (start.Reason == GCReason.Induced && start.Depth == 2)
            {
                inducedCount = start.Count;
            }
        };

        // The heap-stats event closes the collection it follows: the first after the induced one is its answer.
        source.Clr.GCHeapStats += stats =>
        {
            if (inducedCount >= 0)
            {
                measured.TrySetResult(stats.GenerationSize0 + stats.GenerationSize1 + stats.GenerationSize2 + stats.GenerationSize3 + stats.GenerationSize4);
            }
        };
        source.Process();
    }
}
