using System.Buffers;
using System.Net.Sockets;
using System.Text;
using Herald.Tests.Infrastructure;
using Herald.WebSockets;

namespace Herald.Tests.WebSockets.Conformance;

/// <summary>
/// A conformance peer over a real TCP connection: it sends the upgrade itself, then writes exactly the bytes a
/// case gives it and parses the server's frames, telling a clean end (FIN) from a reset.
/// </summary>
public sealed class TcpConformancePeer : IConformancePeer
{
    private readonly TcpClient _tcp;
    private NetworkStream _stream = null!;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private PeerEvent? _finished;

    private TcpConformancePeer(TcpClient tcp) => _tcp = tcp;

    /// <summary>Opens a connection and completes the handshake, asking for <paramref name="subprotocol"/> if given.</summary>
    public static async Task<TcpConformancePeer> ConnectAsync(Uri baseAddress, string? subprotocol = null)
    {
        // No Nagle: each write of a case goes out when it is made, so the cuts between writes reach the server.
        var tcp = new TcpClient { NoDelay = true };
        var peer = new TcpConformancePeer(tcp);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TestClient.ReceiveTimeout);
            await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port, timeout.Token);
            peer._stream = tcp.GetStream();
            var key = RawWebSocketClient.NewKey();
            var request = new StringBuilder()
                .Append("GET /ws HTTP/1.1\r\n")
                .Append($"Host: {baseAddress.Authority}\r\n")
                .Append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .Append($"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n");
            if (subprotocol is not null)
            {
                request.Append($"Sec-WebSocket-Protocol: {subprotocol}\r\n");
            }

            await peer._stream.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()), timeout.Token);
            var head = await peer.ReadHeadAsync(timeout.Token);
            Assert.StartsWith("HTTP/1.1 101 ", head, StringComparison.Ordinal);
            Assert.Contains($"Sec-WebSocket-Accept: {WebSocketHandshake.ComputeAcceptKey(key)}\r\n", head, StringComparison.Ordinal);
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TestClient.ReceiveTimeout);
        await _stream.WriteAsync(bytes, timeout.Token);
    }

    public async Task<PeerEvent> ReadAsync(TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        while (true)
        {
            if (TryParseFrame(out var frame))
            {
                return new PeerEvent(PeerEventKind.Frame, frame);
            }

            if (_finished is { } finished)
            {
                return finished;
            }

            if (_end == _buffer.Length)
            {
                Compact();
            }

            try
            {
                var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cts.Token);
                if (read == 0)
                {
                    _finished = PeerEvent.Ended;
                }

                _end += read;
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                return PeerEvent.TimedOut;
            }
            catch (IOException exception) when (exception.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted })
            {
                _finished = PeerEvent.Reset;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }

    private bool TryParseFrame(out ReceivedFrame? frame)
    {
        var available = new ReadOnlySequence<byte>(_buffer, _start, _end - _start);
        if (ReceivedFrame.TryParse(available, out frame, out var length))
        {
            _start += (int)length;
            return true;
        }

        // Make room for the whole frame once its header says how long it is.
        if (length > _buffer.Length)
        {
            Array.Resize(ref _buffer, checked((int)length));
        }

        return false;
    }

    private void Compact()
    {
        var pending = _end - _start;
        Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
        _start = 0;
        _end = pending;
        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
    }

    /// <summary>Reads the response head byte by byte, so nothing after it (the first frames) is taken with it.</summary>
    private async Task<string> ReadHeadAsync(CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            Assert.True(await _stream.ReadAsync(one, cancellationToken) == 1, $"the server ended the connection during the handshake: {head}");
            head.Append((char)one[0]);
        }

        return head.ToString();
    }
}
