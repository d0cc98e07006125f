using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Herald.Tests.Infrastructure;

/// <summary>
/// A WebSocket client that writes its own bytes, so tests can send what a well-behaved client never would
/// (unmasked frames, reserved bits, invalid UTF-8, a login split across frames and TCP writes).
/// </summary>
public sealed class RawWebSocketClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawWebSocketClient(TcpClient tcp, int status, string responseHead)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        Status = status;
        ResponseHead = responseHead;
    }

    public int Status { get; }

    public string ResponseHead { get; }

    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    /// <summary>Sends an upgrade request with the given headers and reads the response head.</summary>
    public static async Task<RawWebSocketClient> ConnectAsync(Uri baseAddress, string? key = "", string? version = "13")
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port, TestContext.Current.CancellationToken);
        var request = new StringBuilder()
            .Append("GET /ws HTTP/1.1\r\n")
            .Append($"Host: {baseAddress.Authority}\r\n")
            .Append("Upgrade: websocket\r\nConnection: Upgrade\r\n");
        if (key is not null)
        {
            request.Append($"Sec-WebSocket-Key: {(key.Length == 0 ? NewKey() : key)}\r\n");
        }

        if (version is not null)
        {
            request.Append($"Sec-WebSocket-Version: {version}\r\n");
        }

        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()), TestContext.Current.CancellationToken);
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            Assert.Equal(1, await stream.ReadAsync(one, TestContext.Current.CancellationToken));
            head.Append((char)one[0]);
        }

        var text = head.ToString();
        return new RawWebSocketClient(tcp, int.Parse(text.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture), text);
    }

    /// <summary>Sends one frame; masked with a random key unless told otherwise, as a client must.</summary>
    public Task SendFrameAsync(byte firstByte, byte[] payload, bool mask = true) =>
        SendBytesAsync(Frame(firstByte, payload, mask));

    public Task SendTextAsync(string text) => SendFrameAsync(0x81, Encoding.UTF8.GetBytes(text));

    public async Task SendBytesAsync(byte[] bytes) => await _stream.WriteAsync(bytes, TestContext.Current.CancellationToken);

    public static byte[] Frame(byte firstByte, byte[] payload, bool mask = true)
    {
        var frame = new List<byte> { firstByte };
        var maskBit = mask ? (byte)0x80 : (byte)0;
        if (payload.Length < 126)
        {
            frame.Add((byte)(maskBit | payload.Length));
        }
        else
        {
            frame.Add((byte)(maskBit | 126));
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }

        var key = mask ? RandomNumberGenerator.GetBytes(4) : [0, 0, 0, 0];
        if (mask)
        {
            frame.AddRange(key);
        }

        frame.AddRange(payload.Select((b, i) => (byte)(b ^ key[i % 4])));
        return [.. frame];
    }

    /// <summary>Reads one server frame (servers never mask).</summary>
    public async Task<(int Opcode, bool Fin, byte[] Payload)> ReceiveFrameAsync()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TestClient.ReceiveTimeout);
        var head = await ReadExactlyAsync(2, cts.Token);
        long length = head[1] & 0x7F;
        if (length == 126)
        {
            length = BinaryPrimitives.ReadUInt16BigEndian(await ReadExactlyAsync(2, cts.Token));
        }
        else if (length == 127)
        {
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(await ReadExactlyAsync(8, cts.Token));
        }

        return (head[0] & 0x0F, (head[0] & 0x80) != 0, await ReadExactlyAsync((int)length, cts.Token));
    }

    /// <summary>Reads frames until the server's Close, and returns its code and reason.</summary>
    public async Task<(int Code, string Reason)> ReceiveCloseAsync()
    {
        while (true)
        {
            var (opcode, _, payload) = await ReceiveFrameAsync();
            if (opcode == 0x8)
            {
                return (BinaryPrimitives.ReadUInt16BigEndian(payload), Encoding.UTF8.GetString(payload, 2, payload.Length - 2));
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        await _stream.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
    }
}
