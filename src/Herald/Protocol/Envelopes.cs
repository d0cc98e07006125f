using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Herald.Streams;
using Herald.WebSockets;

namespace Herald.Protocol;

/// <summary>
/// Builds every herald.v1 frame the server sends (docs/protocol.md lists them). Each is written once with a
/// thread's reusable JSON writer, so the only allocation is the finished frame itself.
/// </summary>
internal static class Envelopes
{
    // Envelopes go to WebSocket clients, never into HTML: non-ASCII text stays as it is instead of \uXXXX escapes.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static byte[] Message(StreamMessage message) => Build(message, static (writer, message) =>
    {
        writer.WriteString("type"u8, "message"u8);
        writer.WriteString("stream"u8, message.Stream.Name);
        writer.WriteString("epoch"u8, message.Epoch);
        writer.WriteNumber("seq"u8, message.Seq);
        writer.WriteString("id"u8, message.Message.Id);
        writer.WriteString("time"u8, FormatTime(message.Message.Time));
        var content = message.Message.Content;
        if (content.IsJson)
        {
            writer.WritePropertyName("data"u8);
            writer.WriteRawValue(content.Utf8.Span, skipInputValidation: true);
        }
        else
        {
            writer.WriteString("data"u8, content.Utf8.Span);
        }

        if (message.Message.Key is { } key)
        {
            writer.WriteString("key"u8, key);
        }
    });

    public static byte[] Welcome(string userId, long connectionId, DateTimeOffset? expiresAt) => Build((userId, connectionId, expiresAt), static (writer, state) =>
    {
        writer.WriteString("type"u8, "welcome"u8);
        writer.WriteString("uid"u8, state.userId);
        writer.WriteString("connectionId"u8, state.connectionId.ToString(CultureInfo.InvariantCulture));
        if (state.expiresAt is { } expiresAt)
        {
            writer.WriteString("expires_at"u8, FormatTime(expiresAt));
        }
    });

    /// <summary>The connection's credential expires at <paramref name="expiresAt"/>: send a <c>refresh</c> before then.</summary>
    public static byte[] TokenExpiring(DateTimeOffset expiresAt) => Build(expiresAt, static (writer, expiresAt) =>
    {
        writer.WriteString("type"u8, "token_expiring"u8);
        writer.WriteString("expires_at"u8, FormatTime(expiresAt));
    });

    /// <summary>A refresh was accepted: the connection's credential now expires at <paramref name="expiresAt"/> (never, when null).</summary>
    public static byte[] Refreshed(DateTimeOffset? expiresAt) => Build(expiresAt, static (writer, expiresAt) =>
    {
        writer.WriteString("type"u8, "refreshed"u8);
        if (expiresAt is { } at)
        {
            writer.WriteString("expires_at"u8, FormatTime(at));
        }
        else
        {
            writer.WriteNull("expires_at"u8);
        }
    });

    public static byte[] Joined(StreamId stream, in JoinResult result) => Build((stream, result), static (writer, state) =>
    {
        var (stream, result) = state;
        writer.WriteString("type"u8, "joined"u8);
        writer.WriteString("stream"u8, stream.Name);
        writer.WriteString("epoch"u8, result.Position.Epoch);
        writer.WriteNumber("seq"u8, result.Position.Seq);
        if (result.Resume is not { } resume)
        {
            return;
        }

        writer.WriteBoolean("recovered"u8, resume == ResumeOutcome.Recovered);
        if (resume != ResumeOutcome.Recovered)
        {
            writer.WriteString("reason"u8, resume == ResumeOutcome.WindowExceeded ? "window_exceeded"u8 : "epoch_changed"u8);
        }

        writer.WriteNumber("replayed"u8, result.Replayed);
    });

    public static byte[] Left(StreamId stream) => Build(stream, static (writer, stream) =>
    {
        writer.WriteString("type"u8, "left"u8);
        writer.WriteString("stream"u8, stream.Name);
    });

    public static byte[] Pong() => Build(0, static (writer, _) => writer.WriteString("type"u8, "pong"u8));

    public static byte[] Error(string code, string message, string? command) => Build((code, message, command), static (writer, state) =>
    {
        writer.WriteString("type"u8, "error"u8);
        writer.WriteString("code"u8, state.code);
        writer.WriteString("message"u8, state.message);
        if (state.command is not null)
        {
            writer.WriteString("command"u8, state.command);
        }
    });

    /// <summary>ISO 8601, UTC, milliseconds: <c>2026-11-25T10:00:00.123Z</c>.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static byte[] Build<TState>(TState state, Action<Utf8JsonWriter, TState> writeProperties)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        writeProperties(writer, state);
        writer.WriteEndObject();
        writer.Flush();
        return ServerFrame.Create(WebSocketOpcode.Text, buffer.WrittenSpan);
    }
}
