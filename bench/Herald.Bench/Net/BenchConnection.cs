using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace Herald.Bench.Net;

/// <summary>
/// One logged-in client: a WebSocket, the user it logged in as, and one receive loop over a small reused buffer
/// that counts every message and hands it to the scenario's <see cref="IMessageSink"/>.
/// The loop ends when the connection closes or is aborted, so its lifetime is bounded by the scenario's.
/// </summary>
internal sealed class BenchConnection
{
    /// <summary>Bench messages are under 64 bytes, their herald.v1 envelopes under 256; anything longer than this is counted and skipped.</summary>
    private const int BufferSize = 512;

    /// <summary>
    /// The text of the message that confirms a login on a server without stats: the receive loop takes it for itself
    /// (neither counted nor handed to the sink), so a late or repeated probe never touches a scenario's figures.
    /// </summary>
    public const string RegistrationProbe = "bench-registration-probe";

    private static readonly byte[] RegistrationProbeBytes = Encoding.UTF8.GetBytes(RegistrationProbe);

    private readonly ClientWebSocket _socket;
    private readonly IMessageSink? _sink;
    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly TaskCompletionSource? _firstMessage;
    private readonly TaskCompletionSource<bool> _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _receiveLoop = Task.CompletedTask;
    private long _messagesReceived;
    private long _lastReceivedAt;
    private int _closing;
    private string? _failure;

    private BenchConnection(ClientWebSocket socket, int index, string userId, IMessageSink? sink, bool signalFirstMessage)
    {
        _socket = socket;
        _sink = sink;
        Index = index;
        UserId = userId;
        _firstMessage = signalFirstMessage ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
    }

    /// <summary>The connection's number within its scenario; bench messages name their target by it.</summary>
    public int Index { get; }

    public string UserId { get; }

    public long MessagesReceived => Volatile.Read(ref _messagesReceived);

    /// <summary>Stopwatch timestamp of the last message received; 0 before the first.</summary>
    public long LastReceivedAt => Volatile.Read(ref _lastReceivedAt);

    /// <summary>Why the connection ended without the generator closing it (server close or failure); null otherwise.</summary>
    public string? Failure => Volatile.Read(ref _failure);

    /// <summary>
    /// Completes when the first message arrives (only when opened with signalFirstMessage); faults if the
    /// connection ends first.
    /// </summary>
    public Task FirstMessage => _firstMessage?.Task ?? throw new InvalidOperationException("opened without signalFirstMessage");

    /// <summary>True when a <see cref="RegistrationProbe"/> has arrived; false if the connection ended first.</summary>
    public Task<bool> Registered => _registered.Task;

    /// <summary>Connects, sends the protocol's greeting (the login, and a subscription if any) and starts the receive loop.</summary>
    public static async Task<BenchConnection> OpenAsync(
        WebSocketConnector connector, int index, string userId, ClientProtocol protocol, IMessageSink? sink, bool signalFirstMessage, CancellationToken cancellationToken)
    {
        var socket = await connector.ConnectAsync(protocol.SubProtocol, cancellationToken);
        try
        {
            foreach (var message in protocol.Greeting(userId))
            {
                await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new BenchConnection(socket, index, userId, sink, signalFirstMessage);
        connection._receiveLoop = connection.ReceiveLoopAsync();
        return connection;
    }

    /// <summary>
    /// Clean close: sends Close, then waits for the server's Close to end the receive loop; aborts when that
    /// takes longer than <paramref name="timeout"/>.
    /// </summary>
    /// <returns>True when the close handshake completed.</returns>
    public async Task<bool> CloseAsync(TimeSpan timeout)
    {
        Volatile.Write(ref _closing, 1);
        try
        {
            using var deadline = new CancellationTokenSource(timeout);
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bench done", deadline.Token);
            }

            await _receiveLoop.WaitAsync(deadline.Token);
            return _socket.State == WebSocketState.Closed;
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Out of time, or the server closed first and the handshake is already under way: end it here.
            _socket.Abort();
            return false;
        }
        finally
        {
            _socket.Dispose();
        }
    }

    public void Abort()
    {
        Volatile.Write(ref _closing, 1);
        _socket.Abort();
        _socket.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = _buffer.AsMemory();
        var length = 0;
        var oversized = false;
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer[length..], CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await OnCloseReceivedAsync();
                    return;
                }

                length += result.Count;
                if (!result.EndOfMessage)
                {
                    // Longer than any bench message: keep reading to its end and count it as unrecognized.
                    oversized |= length == buffer.Length;
                    length = length == buffer.Length ? 0 : length;
                    continue;
                }

                if (!oversized && _buffer.AsSpan(0, length).SequenceEqual(RegistrationProbeBytes))
                {
                    _registered.TrySetResult(true);
                    length = 0;
                    continue;
                }

                var receivedAt = Stopwatch.GetTimestamp();
                _sink?.OnMessage(this, oversized ? [] : _buffer.AsSpan(0, length), receivedAt);
                Volatile.Write(ref _lastReceivedAt, receivedAt);
                Volatile.Write(ref _messagesReceived, _messagesReceived + 1);
                _firstMessage?.TrySetResult();
                length = 0;
                oversized = false;
            }
        }
        catch (Exception exception)
        {
            // The loop never faults: whatever ended it is recorded, unless the generator was closing it anyway.
            if (Volatile.Read(ref _closing) == 0)
            {
                Interlocked.CompareExchange(ref _failure, $"{exception.GetType().Name}: {exception.Message}", null);
            }
        }
        finally
        {
            _registered.TrySetResult(false);
            if (_firstMessage is { Task.IsCompleted: false })
            {
                _firstMessage.TrySetException(new WebSocketException($"connection of {UserId} ended before its first message: {Failure ?? "closed"}"));
            }
        }
    }

    private async Task OnCloseReceivedAsync()
    {
        if (Volatile.Read(ref _closing) != 0)
        {
            return;
        }

        // The server closed first (slow consumer, shutdown, login refused): note why and finish the handshake.
        Volatile.Write(ref _failure, $"server closed ({(int?)_socket.CloseStatus} {_socket.CloseStatusDescription})");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, deadline.Token);
    }
}
