using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Herald.Tests.Infrastructure;

/// <summary>A real <see cref="ClientWebSocket"/> with the few operations tests need, each bounded by a timeout.</summary>
public sealed class TestClient : IAsyncDisposable
{
    public static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(10);

    private readonly byte[] _buffer = new byte[256 * 1024];
    private readonly HttpMessageInvoker? _invoker;

    private TestClient(ClientWebSocket socket, HttpMessageInvoker? invoker)
    {
        Socket = socket;
        _invoker = invoker;
    }

    public ClientWebSocket Socket { get; }

    /// <param name="uri">The server's WebSocket address.</param>
    /// <param name="configure">Options for the handshake (subprotocols, headers).</param>
    /// <param name="from">
    /// A loopback address to connect from (127.0.0.2, 127.0.0.3, ...: Linux routes all of 127.0.0.0/8 to the loopback
    /// interface), so that tests of per-address limits have several clients; null for the system's choice.
    /// </param>
    public static async Task<TestClient> ConnectAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null, IPAddress? from = null)
    {
        var socket = new ClientWebSocket();
        configure?.Invoke(socket.Options);
        var invoker = from is null ? null : new HttpMessageInvoker(FromAddress(from));
        try
        {
            await socket.ConnectAsync(uri, invoker, TestContext.Current.CancellationToken);
        }
        catch
        {
            socket.Dispose();
            invoker?.Dispose();
            throw;
        }

        return new TestClient(socket, invoker);
    }

    private static SocketsHttpHandler FromAddress(IPAddress from) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var tcp = new Socket(from.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                tcp.Bind(new IPEndPoint(from, 0));
                await tcp.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(tcp, ownsSocket: true);
            }
            catch
            {
                tcp.Dispose();
                throw;
            }
        },
    };

    public Task SendTextAsync(string text) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, TestContext.Current.CancellationToken);

    public Task SendBinaryAsync(byte[] bytes) =>
        Socket.SendAsync(bytes, WebSocketMessageType.Binary, true, TestContext.Current.CancellationToken);

    /// <summary>Receives one whole message, failing the test when it is not text.</summary>
    public async Task<string> ReceiveTextAsync(TimeSpan? timeout = null)
    {
        var (type, text) = await ReceiveAsync(timeout);
        Assert.True(type == WebSocketMessageType.Text, $"expected a text message, got {type} (close {Socket.CloseStatus} '{Socket.CloseStatusDescription}')");
        return text;
    }

    /// <summary>
    /// Receives until the server's Close frame, answers it as a browser would, and returns its code;
    /// data messages before it are skipped.
    /// </summary>
    public async Task<int> ReceiveCloseAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var (type, _) = await ReceiveAsync(timeout);
            if (type == WebSocketMessageType.Close)
            {
                if (Socket.State == WebSocketState.CloseReceived)
                {
                    await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, TestContext.Current.CancellationToken);
                }

                return (int)Socket.CloseStatus!.Value;
            }
        }
    }

    public async Task<(WebSocketMessageType Type, string Text)> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? ReceiveTimeout);
        var length = 0;
        while (true)
        {
            var result = await Socket.ReceiveAsync(_buffer.AsMemory(length), cts.Token);
            length += result.Count;
            if (result.EndOfMessage)
            {
                return (result.MessageType, Encoding.UTF8.GetString(_buffer, 0, length));
            }
        }
    }

    /// <summary>Asserts that no message arrives within <paramref name="window"/>.</summary>
    public async Task AssertNothingReceivedAsync(TimeSpan window)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(window);
        try
        {
            var result = await Socket.ReceiveAsync(_buffer.AsMemory(), cts.Token);
            Assert.Fail($"expected nothing, received a {result.MessageType} message: {Encoding.UTF8.GetString(_buffer, 0, result.Count)}");
        }
        catch (OperationCanceledException)
        {
            // Nothing came: what was expected. (Cancelling aborts the socket; the test is done with it.)
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
                // The server may already have gone; disposal must not fail the test.
            }
        }

        Socket.Dispose();
        _invoker?.Dispose();
    }
}
