using System.Diagnostics.Tracing;
using Herald.Bench.Output;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Herald.Bench.Platform;

/// <summary>
/// An EventPipe session on a .NET server's diagnostics socket, the runtime provider's GC keyword only at the
/// informational level (a few events per collection, no allocation sampling, no rundown at the end), read on a
/// thread of its own while a scenario runs. Collections and pauses are counted by their time, so only those that
/// begin inside the window from <see cref="BeginWindow"/> to <see cref="EndAsync"/> count, whatever the stream's delay.
/// </summary>
internal sealed class GcEventSession : IAsyncDisposable
{
    /// <summary>The runtime's event provider, whose GC keyword both this session and <see cref="LiveHeap"/> use.</summary>
    public const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private const int BufferMegabytes = 16;
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly EventPipeSession _session;
    private readonly Task _reader;
    private readonly Lock _lock = new();
    private readonly int[] _generations = new int[3];
    private DateTime _windowStart = DateTime.MaxValue;
    private DateTime _windowEnd = DateTime.MaxValue;
    private DateTime? _suspendedAt;
    private int _background;
    private int _pauses;
    private double _totalPauseMs;
    private double _maxPauseMs;
    private bool _stopped;

    private GcEventSession(EventPipeSession session)
    {
        _session = session;

        // A thread of its own: the source reads the stream synchronously from its constructor on, and a blocking read
        // must never run on the generator's socket-completion thread (inline completions), which it would wait for.
        _reader = Task.Factory.StartNew(ReadEvents, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>
    /// Whether the process is .NET with a diagnostics socket this user can reach. The socket's name carries the PID
    /// and the process's start time, so a file a killed process left behind never passes for a later one with its PID.
    /// </summary>
    public static bool IsDotNet(ProcessProbe process) =>
        File.Exists(Path.Combine(Path.GetTempPath(), $"dotnet-diagnostic-{process.Pid}-{process.ReadStartTime()}-socket"));

    /// <summary>Opens the session, or says on stderr why not.</summary>
    /// <returns>Null when the process is not .NET or the session could not start.</returns>
    public static async Task<GcEventSession?> TryStartAsync(ProcessProbe process)
    {
        if (!IsDotNet(process))
        {
            return null;
        }

        var pid = process.Pid;

        try
        {
            // Asynchronous with a deadline: the synchronous start blocks on a socket read, which on the socket-completion
            // thread waits for itself.
            using var deadline = new CancellationTokenSource(StartTimeout);
            var provider = new EventPipeProvider(RuntimeProvider, EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC);
            var session = await new DiagnosticsClient(pid).StartEventPipeSessionAsync([provider], requestRundown: false, circularBufferMB: BufferMegabytes, deadline.Token);
            return new GcEventSession(session);
        }
        catch (Exception exception) when (exception is ServerNotAvailableException or UnsupportedCommandException or IOException or TimeoutException or OperationCanceledException)
        {
            Console.Error.WriteLine($"warning: no GC event session on process {pid} ({exception.GetType().Name}: {exception.Message}); GC figures are n/a");
            return null;
        }
    }

    /// <summary>Collections that begin from now on count.</summary>
    public void BeginWindow()
    {
        lock (_lock)
        {
            _windowStart = DateTime.UtcNow;
        }
    }

    /// <summary>Ends the window, stops the session and reads the rest of its stream.</summary>
    /// <returns>The window's figures; null when the stream could not be read to its end in time.</returns>
    public async Task<GcFigures?> EndAsync()
    {
        lock (_lock)
        {
            _windowEnd = DateTime.UtcNow;
        }

        if (!await StopAsync())
        {
            Console.Error.WriteLine("warning: the GC event stream did not end in time; GC figures are n/a");
            return null;
        }

        lock (_lock)
        {
            return new GcFigures(
                _generations[0], _generations[1], _generations[2], _background, _pauses, Measure.Round.To3(_totalPauseMs), Measure.Round.To3(_maxPauseMs));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _session.Dispose();
    }

    private async Task<bool> StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            try
            {
                await _session.StopAsync(CancellationToken.None).WaitAsync(StopTimeout);
            }
            catch (Exception exception) when (exception is ServerNotAvailableException or IOException or TimeoutException)
            {
                // The server went away or would not answer: what was read so far is all there is.
            }
        }

        try
        {
            await _reader.WaitAsync(StopTimeout);
            return true;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Out of time, or the stream broke (the server died): the figures would be partial.
            return false;
        }
    }

    private void ReadEvents()
    {
        using var source = new EventPipeEventSource(_session.EventStream);
        source.Clr.GCStart += OnGcStart;
        source.Clr.GCSuspendEEStart += OnSuspendStart;
        source.Clr.GCRestartEEStop += OnRestartStop;
        source.Process();
    }

    private bool InWindow(DateTime timestamp) => timestamp >= _windowStart && timestamp < _windowEnd;

    private void OnGcStart(GCStartTraceData data)
    {
        lock (_lock)
        {
            if (!InWindow(data.TimeStamp.ToUniversalTime()) || data.Depth is < 0 or > 2)
            {
                return;
            }

            _generations[data.Depth]++;
            _background += data.Type == GCType.BackgroundGC ? 1 : 0;
        }
    }

    private void OnSuspendStart(GCSuspendEETraceData data)
    {
        lock (_lock)
        {
            _suspendedAt = data.Reason is GCSuspendEEReason.SuspendForGC or GCSuspendEEReason.SuspendForGCPrep ? data.TimeStamp.ToUniversalTime() : null;
        }
    }

    private void OnRestartStop(GCNoUserDataTraceData data)
    {
        lock (_lock)
        {
            if (_suspendedAt is not { } suspendedAt)
            {
                return;
            }

            _suspendedAt = null;
            if (!InWindow(suspendedAt))
            {
                return;
            }

            var pauseMs = (data.TimeStamp.ToUniversalTime() - suspendedAt).TotalMilliseconds;
            _pauses++;
            _totalPauseMs += pauseMs;
            _maxPauseMs = Math.Max(_maxPauseMs, pauseMs);
        }
    }
}
