using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Herald.Diagnostics;
using Herald.Tests.Infrastructure;
using Herald.Tests.WebSockets.Conformance;
using Herald.WebSockets;

namespace Herald.Tests.WebSockets;

/// <summary>
/// A client speaking raw bytes to one engine connection over a <see cref="PipeTransport"/>, with a session that
/// records what the engine hands it. Every read has a timeout.
/// </summary>
internal sealed class EnginePeer : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly Task _run;

    public EnginePeer(WebSocketLimits? limits = null, long pauseBytes = 64 * 1024, Func<RecordingSession, WebSocketConnection, ReadOnlyMemory<byte>, ValueTask>? onMessage = null)
    {
        Transport = new PipeTransport(pauseBytes);
        Connection = new WebSocketConnection(Transport, new WebSocketServices(limits ?? Limits(), new HubCounters(TimeProvider.System), TimeProvider.System, Logs.CreateLogger("engine")));
        Session = new RecordingSession(Connection, onMessage);
        _run = Connection.RunAsync(Session);
    }

    public PipeTransport Transport { get; }

    /// <summary>What the engine logged.</summary>
    public TestLogCollector Logs { get; } = new();

    public WebSocketConnection Connection { get; }

    public RecordingSession Session { get; }

    /// <summary>Completes when the engine's loops have both ended.</summary>
    public Task Ended => _run;

    public static WebSocketLimits Limits(int maxMessageBytes = 4096, int maxQueuedMessages = 1024) =>
        new(maxMessageBytes, maxQueuedMessages, 4 * 1024 * 1024, TimeSpan.Zero, TimeSpan.FromSeconds(30), TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>A client frame: masked (with a random key) unless told otherwise, with the length it declares.</summary>
    public static byte[] Frame(byte firstByte, ReadOnlySpan<byte> payload, bool mask = true, long? declaredLength = null)
    {
        var length = declaredLength ?? payload.Length;
        var lengthBytes = length < 126 ? 0 : length <= ushort.MaxValue ? 2 : 8;
        var frame = new byte[2 + lengthBytes + (mask ? 4 : 0) + payload.Length];
        frame[0] = firstByte;
        frame[1] = (byte)((mask ? 0x80 : 0) | (lengthBytes switch { 0 => (int)length, 2 => 126, _ => 127 }));
        if (lengthBytes == 2)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)length);
        }
        else if (lengthBytes == 8)
        {
            BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)length);
        }

        var key = new byte[4];
        if (mask)
        {
            Random.Shared.NextBytes(key);
            key.CopyTo(frame.AsSpan(2 + lengthBytes));
        }

        var start = 2 + lengthBytes + (mask ? 4 : 0);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[start + i] = (byte)(payload[i] ^ key[i % 4]);
        }

        return frame;
    }

    public static byte[] Text(string text, bool fin = true) => Frame((byte)((fin ? 0x80 : 0) | 0x1), Encoding.UTF8.GetBytes(text));

    public static byte[] Close(int code, string reason = "")
    {
        var payload = new byte[2 + Encoding.UTF8.GetByteCount(reason)];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
        Encoding.UTF8.GetBytes(reason, payload.AsSpan(2));
        return Frame(0x88, payload);
    }

    public async Task WriteAsync(params byte[][] chunks)
    {
        foreach (var chunk in chunks)
        {
            await Transport.ClientOutput.WriteAsync(chunk).AsTask().WaitAsync(Timeout);
        }
    }

    /// <summary>Reads the next server frame.</summary>
    public async Task<(int Opcode, byte[] Payload)> ReadFrameAsync()
    {
        var input = Transport.ClientInput;
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            var result = await input.ReadAsync(timeout.Token);
            if (ReceivedFrame.TryParse(result.Buffer, out var frame, out var length))
            {
                input.AdvanceTo(result.Buffer.GetPosition(length));
                return (frame!.Opcode, frame.Payload);
            }

            Assert.False(result.IsCompleted, "the server's output ended before a whole frame");
            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>Reads server frames until the Close, and returns its code.</summary>
    public async Task<int> ReadCloseCodeAsync()
    {
        while (true)
        {
            var (opcode, payload) = await ReadFrameAsync();
            if (opcode == 0x8)
            {
                return BinaryPrimitives.ReadUInt16BigEndian(payload);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Connection.Abort("test over");
        await _run.WaitAsync(Timeout);
        await Transport.DisposeAsync();
    }
}

/// <summary>A session that records every message the engine hands it, and may answer each.</summary>
internal sealed class RecordingSession(WebSocketConnection connection, Func<RecordingSession, WebSocketConnection, ReadOnlyMemory<byte>, ValueTask>? onMessage) : IWebSocketSession
{
    private readonly List<(WebSocketMessageKind Kind, byte[] Bytes)> _messages = [];

    public string? Identity => null;

    public int SessionTimeouts { get; private set; }

    public IReadOnlyList<(WebSocketMessageKind Kind, byte[] Bytes)> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public async ValueTask OnMessageAsync(WebSocketMessageKind kind, ReadOnlyMemory<byte> message)
    {
        lock (_messages)
        {
            _messages.Add((kind, message.ToArray()));
        }

        if (onMessage is not null)
        {
            await onMessage(this, connection, message);
        }
    }

    public void OnSessionDeadline() => SessionTimeouts++;

    public ValueTask OnOpenedAsync() => ValueTask.CompletedTask;

    public void OnEnded() => Ended = true;

    public bool Ended { get; private set; }
}
