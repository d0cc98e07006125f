using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Herald.Tests.Infrastructure;

/// <summary>
/// A valid WebSocket upgrade to /ws written over a new TCP connection, and the whole answer read back, body
/// included, every read bounded by a timeout: for the refusals no WebSocket client shows in full (status,
/// Retry-After, the problem details).
/// </summary>
public sealed class UpgradeAttempt
{
    private UpgradeAttempt(string head, string body)
    {
        Head = head;
        Body = body;
    }

    public string Head { get; }

    public string Body { get; }

    public int? Status => new RawHttpAnswer(Head, TimeSpan.Zero).Status;

    /// <summary>The body as JSON: the problem details of a refusal.</summary>
    public JsonObject Problem => JsonNode.Parse(Body)?.AsObject() ?? throw new InvalidOperationException($"no JSON body in: {Head}");

    /// <param name="baseAddress">The server.</param>
    /// <param name="from">A loopback address to connect from (see <see cref="TestClient.ConnectAsync"/>); null for the system's choice.</param>
    /// <param name="headers">Header lines to add, such as <c>X-Forwarded-For: 203.0.113.7</c>.</param>
    public static async Task<UpgradeAttempt> SendAsync(Uri baseAddress, IPAddress? from = null, params string[] headers)
    {
        using var tcp = from is null ? new TcpClient() : new TcpClient(new IPEndPoint(from, 0));
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port, TestContext.Current.CancellationToken);
        var stream = tcp.GetStream();
        var request = new StringBuilder()
            .Append("GET /ws HTTP/1.1\r\n")
            .Append(CultureInfo.InvariantCulture, $"Host: {baseAddress.Authority}\r\n")
            .Append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n")
            .Append(CultureInfo.InvariantCulture, $"Sec-WebSocket-Key: {RawWebSocketClient.NewKey()}\r\n");
        foreach (var header in headers)
        {
            request.Append(header).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.Latin1.GetBytes(request.Append("\r\n").ToString()), TestContext.Current.CancellationToken);
        var head = await RawHttp.ReadHeadAsync(stream, RawHttp.DefaultTimeout);
        return new UpgradeAttempt(head, await ReadBodyAsync(stream, head));
    }

    /// <summary>The value of a header of the answer, or null.</summary>
    public string? Header(string name)
    {
        foreach (var line in Head.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    public override string ToString() => $"{Head}{Body}";

    private static async Task<string> ReadBodyAsync(NetworkStream stream, string head)
    {
        var attempt = new UpgradeAttempt(head, string.Empty);
        if (attempt.Header("Content-Length") is { } length)
        {
            return Encoding.UTF8.GetString(await ReadExactlyAsync(stream, int.Parse(length, CultureInfo.InvariantCulture)));
        }

        if (!string.Equals(attempt.Header("Transfer-Encoding"), "chunked", StringComparison.OrdinalIgnoreCase))
        {
            return string.Empty;
        }

        var body = new StringBuilder();
        while (true)
        {
            var size = int.Parse(await ReadLineAsync(stream), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var chunk = await ReadExactlyAsync(stream, size + 2);
            if (size == 0)
            {
                return body.ToString();
            }

            body.Append(Encoding.UTF8.GetString(chunk, 0, size));
        }
    }

    private static async Task<byte[]> ReadExactlyAsync(NetworkStream stream, int count)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(RawHttp.DefaultTimeout);
        var bytes = new byte[count];
        await stream.ReadExactlyAsync(bytes, deadline.Token);
        return bytes;
    }

    private static async Task<string> ReadLineAsync(NetworkStream stream)
    {
        var line = new StringBuilder();
        while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal))
        {
            line.Append((char)(await ReadExactlyAsync(stream, 1))[0]);
        }

        return line.ToString().TrimEnd();
    }
}
