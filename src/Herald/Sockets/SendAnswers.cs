using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Herald.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Herald.Sockets;

/// <summary>
/// The bytes of the answers <see cref="SocketSendRequests"/> writes, the same as Kestrel writes for the same
/// endpoint: its header order, its <c>Date</c> (refreshed once a second, as Kestrel's is) and, unless
/// <c>AddServerHeader</c> is off, its <c>Server</c>.
/// </summary>
internal sealed class SendAnswers(IOptions<KestrelServerOptions> kestrelOptions, TimeProvider timeProvider)
{
    /// <summary>The most bytes an answer takes.</summary>
    public const int MaxLength = 1024;

    // What ASP.NET Core's problem details give a 503 (ProblemDetailsDefaults), so that both paths' answers read alike.
    private const string UnavailableType = "https://tools.ietf.org/html/rfc9110#section-15.6.4";

    private readonly byte[] _server = kestrelOptions.Value.AddServerHeader ? "Server: Kestrel\r\n"u8.ToArray() : [];
    private DateLine _date = new(long.MinValue, []);

    /// <summary>Writes <c>200 OK</c> with <c>{"delivered":n}</c>.</summary>
    /// <param name="destination">At least <see cref="MaxLength"/> bytes.</param>
    /// <param name="delivered">How many connections the message was queued for.</param>
    /// <param name="close">Whether the answer says that the connection closes after it.</param>
    /// <returns>Its length.</returns>
    public int WriteDelivered(Span<byte> destination, int delivered, bool close)
    {
        Span<byte> body = stackalloc byte[SendEndpoint.MaxDeliveredLength];
        body = body[..SendEndpoint.WriteDelivered(body, delivered)];

        var writer = new SpanWriter(destination);
        writer.Write("HTTP/1.1 200 OK\r\nContent-Length: "u8);
        writer.Write(body.Length);
        writer.Write(close ? "\r\nConnection: close\r\n"u8 : "\r\n"u8);
        writer.Write("Content-Type: "u8);
        writer.Write(SendEndpoint.ContentType);
        writer.Write("\r\n"u8);
        WriteEnd(ref writer);
        writer.Write(body);
        return writer.Length;
    }

    /// <summary>Writes the <c>500</c> Kestrel answers when an endpoint fails before it has begun its answer.</summary>
    /// <returns>Its length.</returns>
    public int WriteFailed(Span<byte> destination)
    {
        var writer = new SpanWriter(destination);
        writer.Write("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n"u8);
        WriteEnd(ref writer);
        return writer.Length;
    }

    /// <summary>
    /// Writes the <c>503</c> problem+json with <c>Retry-After</c> that ASP.NET Core's path answers when the
    /// cluster's Redis cannot take the send (<see cref="Problems.PublishUnavailableDetail"/>).
    /// </summary>
    /// <param name="destination">At least <see cref="MaxLength"/> bytes.</param>
    /// <param name="unavailable">The failure.</param>
    /// <param name="close">Whether the answer says that the connection closes after it.</param>
    /// <returns>Its length.</returns>
    public int WriteUnavailable(Span<byte> destination, BackplaneUnavailableException unavailable, bool close)
    {
        var body = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("type"u8, UnavailableType);
            json.WriteString("title"u8, Problems.UnavailableTitle);
            json.WriteNumber("status"u8, StatusCodes.Status503ServiceUnavailable);
            json.WriteString("detail"u8, Problems.PublishUnavailableDetail(unavailable));
            json.WriteEndObject();
        }

        var writer = new SpanWriter(destination);
        writer.Write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: "u8);
        writer.Write(body.WrittenCount);
        writer.Write(close ? "\r\nConnection: close\r\n"u8 : "\r\n"u8);
        writer.Write("Content-Type: application/problem+json\r\nRetry-After: "u8);
        writer.Write(Problems.RetryAfterSeconds(unavailable));
        writer.Write("\r\n"u8);
        WriteEnd(ref writer);
        writer.Write(body.WrittenSpan);
        return writer.Length;
    }

    private void WriteEnd(ref SpanWriter writer)
    {
        writer.Write(DateNow());
        writer.Write(_server);
        writer.Write("\r\n"u8);
    }

    /// <summary>The <c>Date</c> line of this second (RFC 9110 §5.6.7), made again only when the second has changed.</summary>
    private ReadOnlySpan<byte> DateNow()
    {
        var now = timeProvider.GetUtcNow();
        var second = now.ToUnixTimeSeconds();
        var date = Volatile.Read(ref _date);
        if (date.Second != second)
        {
            date = new DateLine(second, Encoding.ASCII.GetBytes($"Date: {now.ToString("r", CultureInfo.InvariantCulture)}\r\n"));
            Volatile.Write(ref _date, date);
        }

        return date.Bytes;
    }

    private sealed record DateLine(long Second, byte[] Bytes);

    /// <summary>Appends to a span that is known to be long enough.</summary>
    private ref struct SpanWriter(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;

        public int Length { get; private set; }

        public void Write(scoped ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_destination[Length..]);
            Length += bytes.Length;
        }

        public void Write(string ascii) => Length += Encoding.ASCII.GetBytes(ascii, _destination[Length..]);

        public void Write(int value)
        {
            value.TryFormat(_destination[Length..], out var written, provider: CultureInfo.InvariantCulture);
            Length += written;
        }
    }
}
