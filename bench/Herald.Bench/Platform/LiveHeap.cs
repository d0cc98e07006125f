using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Herald.Bench.Platform;

/// <summary>
/// A .NET server's live managed heap: an EventPipe session with the runtime's GC-heap-collect keyword makes the
/// server run a full blocking collection (what <c>dotnet-gcdump</c> does, without the dump), and what its objects
/// take after it, every generation, free space left out, is read from that collection's per-heap history. Unlike
/// RSS it holds neither garbage no collection has reached yet nor the free space between live objects (which
/// depends on the collections before), so it tells what a connection keeps alive, not how the collector stands.
/// </summary>
internal static class LiveHeap
{
    // ClrTraceEventParser.Keywords.GCHeapCollect: starting a session with it induces a collection.
    private const long GCHeapCollectKeyword = 0x800000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly Gens[] Generations = [Gens.Gen0, Gens.Gen1, Gens.Gen2, Gens.GenLargeObj, Gens.GenPinObj];

    /// <returns>The live objects' bytes after the induced collection; null for a process that is not .NET, or without an answer in time.</returns>
    public static async Task<long?> MeasureAsync(ProcessProbe process)
    {
        if (!GcEventSession.IsDotNet(process))
        {
            return null;
        }

        try
        {
            using var deadline = new CancellationTokenSource(Timeout);
            var provider = new EventPipeProvider(GcEventSession.RuntimeProvider, EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC | GCHeapCollectKeyword);
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

                // Whatever ended the reading (the end of the stream, a server gone): the figure is in or it is n/a.
                await reader.WaitAsync(Timeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        catch (Exception exception) when (exception is ServerNotAvailableException or UnsupportedCommandException or IOException or TimeoutException or OperationCanceledException)
        {
            Console.Error.WriteLine($"warning: no live heap from process {process.Pid} ({exception.GetType().Name}: {exception.Message}); it is n/a");
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

        // The per-heap history of the induced collection says how much its objects take in each generation after
        // it, free space left out; a workstation collector has one heap, a server collector one event per heap.
        long live = 0;
        var heaps = 0;
        source.Clr.GCPerHeapHistory += history =>
        {
            if (inducedCount < 0)
            {
                return;
            }

            foreach (var generation in Generations)
            {
                live += history.GenData(generation).ObjSizeAfter;
            }

            heaps++;
        };

        // The heap stats close a collection, after its per-heap histories.
        source.Clr.GCHeapStats += _ =>
        {
            if (heaps > 0)
            {
                measured.TrySetResult(live);
            }
        };
        source.Process();
    }
}
