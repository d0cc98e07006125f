using System.Buffers;
using System.Buffers.Binary;
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

            if (TryParseFrame(result.Buffer, out var frame, out var consumed))
            {
                input.AdvanceTo(consumed);
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

    private static bool TryParseFrame(ReadOnlySequence<byte> buffer, out ReceivedFrame? frame, out SequencePosition consumed)
    {
        (frame, consumed) = (null, buffer.Start);
        Span<byte> head = stackalloc byte[14];
        var available = (int)Math.Min(buffer.Length, head.Length);
        buffer.Slice(0, available).CopyTo(head);
        if (available < 2)
        {
            return false;
        }

        var lengthCode = head[1] & 0x7F;
        var headerLength = 2 + lengthCode switch { 126 => 2, 127 => 8, _ => 0 } + ((head[1] & 0x80) != 0 ? 4 : 0);
        if (available < headerLength)
        {
            return false;
        }

        long length = lengthCode switch
        {
            126 => BinaryPrimitives.ReadUInt16BigEndian(head[2..]),
            127 => (long)BinaryPrimitives.ReadUInt64BigEndian(head[2..]),
            _ => lengthCode,
        };
        if (buffer.Length < headerLength + length)
        {
            return false;
        }

        frame = new ReceivedFrame(
            Fin: (head[0] & 0x80) != 0,
            Rsv: (head[0] >> 4) & 0x7,
            Opcode: head[0] & 0x0F,
            Masked: (head[1] & 0x80) != 0,
            Payload: buffer.Slice(headerLength, length).ToArray());
        consumed = buffer.GetPosition(headerLength + length);
        return true;
    }
}
