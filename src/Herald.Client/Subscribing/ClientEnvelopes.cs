using System.Buffers;
using System.Text.Json;

namespace Herald.Client.Subscribing;

/// <summary>The <c>herald.v1</c> commands the subscriber sends, each one JSON object as UTF-8 (docs/protocol.md, "Client to server").</summary>
internal static class ClientEnvelopes
{
    /// <summary>
    /// <c>{"type":"login","uid":...,"token":...,"resume":{stream:position,...}}</c>; <c>uid</c> and <c>token</c> are
    /// left out when null (one of them is given), <c>resume</c> when empty.
    /// </summary>
    public static byte[] Login(string? userId, string? token, IReadOnlyList<KeyValuePair<string, StreamPosition>> resume) => Write(writer =>
    {
        writer.WriteString("type", "login");
        if (userId is not null)
        {
            writer.WriteString("uid", userId);
        }

        if (token is not null)
        {
            writer.WriteString("token", token);
        }

        if (resume.Count > 0)
        {
            writer.WriteStartObject("resume");
            foreach (var (stream, position) in resume)
            {
                writer.WritePropertyName(stream);
                WritePosition(writer, position);
            }

            writer.WriteEndObject();
        }
    });

    /// <summary><c>{"type":"subscribe","topic":...}</c>, with <c>resume</c> when the subscriber has a position on the topic.</summary>
    public static byte[] Subscribe(string topic, StreamPosition? resume) => Write(writer =>
    {
        writer.WriteString("type", "subscribe");
        writer.WriteString("topic", topic);
        if (resume is { } position)
        {
            writer.WritePropertyName("resume");
            WritePosition(writer, position);
        }
    });

    /// <summary><c>{"type":"unsubscribe","topic":...}</c>.</summary>
    public static byte[] Unsubscribe(string topic) => Write(writer =>
    {
        writer.WriteString("type", "unsubscribe");
        writer.WriteString("topic", topic);
    });

    /// <summary><c>{"type":"refresh","token":...}</c>: the server answers <c>refreshed</c>, or an <c>invalid_token</c> error.</summary>
    public static byte[] Refresh(string token) => Write(writer =>
    {
        writer.WriteString("type", "refresh");
        writer.WriteString("token", token);
    });

    /// <summary><c>{"type":"ping"}</c>: the server answers <c>pong</c>.</summary>
    public static byte[] Ping() => Write(writer => writer.WriteString("type", "ping"));

    // {"epoch":"...","seq":n}; a position without an epoch is {"seq":0}, "I have seen nothing".
    private static void WritePosition(Utf8JsonWriter writer, StreamPosition position)
    {
        writer.WriteStartObject();
        if (position.Epoch is not null)
        {
            writer.WriteString("epoch", position.Epoch);
        }

        writer.WriteNumber("seq", position.Seq);
        writer.WriteEndObject();
    }

    private static byte[] Write(Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
