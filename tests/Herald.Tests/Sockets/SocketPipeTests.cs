using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Herald.Sockets;

namespace Herald.Tests.Sockets;

/// <summary>The bare socket's reader and writer, over a real loopback connection.</summary>
public sealed class SocketPipeTests : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly Socket _server;
    private readonly Socket _client;

    public SocketPipeTests()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        _client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _client.Connect(listener.LocalEndPoint!);
        _server = listener.Accept();
        _server.Blocking = false;
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReadAsync_NothingYet_CompletesWhenBytesArrive()
    {
        var reader = new SocketPipeReader(_server);

        var reading = reader.ReadAsync(CancellationToken.None).AsTask();
        Assert.False(reading.IsCompleted);
        await _client.SendAsync("hello"u8.ToArray(), Cancellation);

        var result = await reading.WaitAsync(Timeout, Cancellation);
        Assert.Equal("hello"u8.ToArray(), result.Buffer.ToArray());
        Assert.False(result.IsCompleted);
    }

    [Fact]
    public async Task AdvanceTo_ExaminedEverythingWithoutConsuming_NextReadHasOldAndNewBytesPastOneBuffer()
    {
        var reader = new SocketPipeReader(_server);
        var sent = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        await _client.SendAsync(sent, Cancellation);

        // Like a parser that waits for a whole frame: nothing consumed until every byte is there.
        ReadResult result;
        while (true)
        {
            result = await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Timeout, Cancellation);
            if (result.Buffer.Length == sent.Length)
            {
                break;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }

        Assert.Equal(sent, result.Buffer.ToArray());
        reader.AdvanceTo(result.Buffer.GetPosition(4_000), result.Buffer.End);
        await _client.SendAsync(new byte[] { 1, 2, 3 }, Cancellation);
        result = await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Timeout, Cancellation);
        Assert.Equal([.. sent[4_000..], 1, 2, 3], result.Buffer.ToArray());
    }

    [Fact]
    public async Task AdvanceTo_NotAllExamined_NextReadReturnsTheRestAtOnce()
    {
        var reader = new SocketPipeReader(_server);
        await _client.SendAsync("abcdef"u8.ToArray(), Cancellation);
        var result = await ReadAllAsync(reader, 6);

        reader.AdvanceTo(result.Buffer.GetPosition(2), result.Buffer.GetPosition(3));

        Assert.True(reader.TryRead(out var again));
        Assert.Equal("cdef"u8.ToArray(), again.Buffer.ToArray());
    }

    [Fact]
    public async Task ReadAsync_PeerEndsWithBytesLeft_ReturnsThemAsCompleted()
    {
        var reader = new SocketPipeReader(_server);
        await _client.SendAsync("last"u8.ToArray(), Cancellation);
        _client.Shutdown(SocketShutdown.Send);

        ReadResult result;
        do
        {
            result = await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Timeout, Cancellation);
            if (!result.IsCompleted)
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }
        }
        while (!result.IsCompleted);

        Assert.Equal("last"u8.ToArray(), result.Buffer.ToArray());
    }

    [Fact]
    public async Task AdvanceToOutsideTheBufferOrAWayToCancel_IsRefused()
    {
        var reader = new SocketPipeReader(_server);
        await _client.SendAsync("abc"u8.ToArray(), Cancellation);
        var result = await ReadAllAsync(reader, 3);
        var foreign = new ReadOnlySequence<byte>(new byte[10]).GetPosition(5);

        Assert.Throws<InvalidOperationException>(() => reader.AdvanceTo(foreign, result.Buffer.End));
        Assert.Throws<NotSupportedException>(reader.CancelPendingRead);
        await Assert.ThrowsAsync<NotSupportedException>(async () => await reader.ReadAsync(Cancellation));
        var writer = new SocketPipeWriter(_server);
        Assert.Throws<NotSupportedException>(writer.CancelPendingFlush);
        await Assert.ThrowsAsync<NotSupportedException>(async () => await writer.FlushAsync(Cancellation));
    }

    [Fact]
    public async Task FlushAsync_PeerNotReading_WaitsForRoomAndSendsEverythingInOrder()
    {
        var writer = new SocketPipeWriter(_server);
        var chunk = Enumerable.Range(0, 64 * 1024).Select(i => (byte)(i * 7)).ToArray();
        var flushes = 0;
        ValueTask<FlushResult> flush;
        do
        {
            writer.Write(chunk);
            flush = writer.FlushAsync(CancellationToken.None);
            flushes++;
        }
        while (flush.IsCompleted && flushes < 10_000);

        Assert.False(flush.IsCompleted, "the socket never filled");
        var expected = (long)flushes * chunk.Length;
        var received = 0L;
        var buffer = new byte[64 * 1024];
        var reading = Task.Run(async () =>
        {
            while (received < expected)
            {
                var count = await _client.ReceiveAsync(buffer, Cancellation);
                for (var i = 0; i < count; i++)
                {
                    Assert.Equal(chunk[(received + i) % chunk.Length], buffer[i]);
                }

                received += count;
            }
        }, Cancellation);

        Assert.False((await flush.AsTask().WaitAsync(Timeout, Cancellation)).IsCompleted);
        await reading.WaitAsync(Timeout, Cancellation);
        Assert.Equal(expected, received);
        Assert.Equal(0, writer.UnflushedBytes);
    }

    [Fact]
    public async Task WriteAsync_PeerNotReading_SendsWithOrWithoutBufferedBytesThenWaitsForRoom_EverythingInOrder()
    {
        var writer = new SocketPipeWriter(_server);
        var chunk = Enumerable.Range(0, 64 * 1024).Select(i => (byte)(i * 7)).ToArray();
        var half = chunk.Length / 2;
        var writes = 0;
        ValueTask<FlushResult> flush;
        do
        {
            // Every other chunk half buffered first, half from the caller's memory; the others wholly from it.
            if (writes % 2 == 1)
            {
                writer.Write(chunk.AsSpan(0, half));
                flush = writer.WriteAsync(chunk.AsMemory(half), CancellationToken.None);
            }
            else
            {
                flush = writer.WriteAsync(chunk, CancellationToken.None);
            }

            writes++;
        }
        while (flush.IsCompleted && writes < 10_000);

        Assert.False(flush.IsCompleted, "the socket never filled");
        var expected = (long)writes * chunk.Length;
        var received = 0L;
        var buffer = new byte[64 * 1024];
        var reading = Task.Run(async () =>
        {
            while (received < expected)
            {
                var count = await _client.ReceiveAsync(buffer, Cancellation);
                for (var i = 0; i < count; i++)
                {
                    Assert.Equal(chunk[(received + i) % chunk.Length], buffer[i]);
                }

                received += count;
            }
        }, Cancellation);

        Assert.False((await flush.AsTask().WaitAsync(Timeout, Cancellation)).IsCompleted);
        await reading.WaitAsync(Timeout, Cancellation);
        Assert.Equal(expected, received);
        Assert.Equal(0, writer.UnflushedBytes);
    }

    [Fact]
    public async Task FlushAsync_PeerGone_ThrowsIOException()
    {
        var writer = new SocketPipeWriter(_server);
        _client.LingerState = new LingerOption(true, 0);
        _client.Close();

        await Assert.ThrowsAsync<IOException>(async () =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                writer.Write(new byte[1024]);
                await writer.FlushAsync(CancellationToken.None);
                await Task.Delay(1, Cancellation);
            }
        });
    }

    public ValueTask DisposeAsync()
    {
        _server.Dispose();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private static async Task<ReadResult> ReadAllAsync(SocketPipeReader reader, int length)
    {
        while (true)
        {
            var result = await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Timeout, Cancellation);
            if (result.Buffer.Length >= length)
            {
                return result;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
