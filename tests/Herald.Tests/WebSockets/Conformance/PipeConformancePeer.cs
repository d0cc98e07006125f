using System.IO.Pipelines;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// A conformance peer over in-memory pipes, straight into one engine connection: no handshake, no TCP. The end of
/// the server's output reads as a clean end, an abort of the transport as a reset.
/// </summary>
internal sealed class PipeConformancePeer(PipeTransport transport, Task run) : IConformancePeer
{
    public async Task WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TestClient.ReceiveTimeout);
        var result = await transport.ClientOutput.WriteAsync(bytes, timeout.Token);
        if (result.IsCompleted)
        {
            throw new IOException("the server no longer reads");
        }
    }

    public async Task<PeerEvent> ReadAsync(TimeSpan timeout)
    {
        var input = transport.ClientInput;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                return PeerEvent.TimedOut;
            }

            if (ReceivedFrame.TryParse(result.Buffer, out var frame, out var length))
            {
                input.AdvanceTo(result.Buffer.GetPosition(length));
                return new PeerEvent(PeerEventKind.Frame, frame);
            }

            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            if (result.IsCanceled || transport.WasAborted)
            {
                return PeerEvent.Reset;
            }

            if (result.IsCompleted)
            {
                return PeerEvent.Ended;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await transport.ClientOutput.CompleteAsync();
        await run.WaitAsync(TestClient.ReceiveTimeout, TestContext.Current.CancellationToken);
        await transport.ClientInput.CompleteAsync();
    }
}
