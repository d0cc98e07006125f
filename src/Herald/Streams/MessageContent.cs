using System.Text;
using Herald.WebSockets;

namespace Herald.Streams;

/// <summary>
/// What was published, as UTF-8 bytes kept once for every stream and both wire flavours: either text (the seed
/// flavour sends the bytes as they are; herald.v1 sends a JSON string) or a JSON value other than a string (both
/// flavours send its JSON text). The bytes live inside the seed flavour's finished text frame, so the frame costs
/// no second copy and the history keeps one array per message, not two.
/// </summary>
internal sealed class MessageContent
{
    private readonly byte[] _seedFrame;

    private MessageContent(ReadOnlySpan<byte> utf8, bool isJson)
    {
        var header = ServerFrame.GetHeaderLength(utf8.Length);
        _seedFrame = new byte[header + utf8.Length];
        ServerFrame.WriteHeader(_seedFrame, WebSocketOpcode.Text, utf8.Length);
        utf8.CopyTo(_seedFrame.AsSpan(header));
        IsJson = isJson;
        Utf8 = _seedFrame.AsMemory(header);
    }

    private MessageContent(string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        var header = ServerFrame.GetHeaderLength(length);
        _seedFrame = new byte[header + length];
        ServerFrame.WriteHeader(_seedFrame, WebSocketOpcode.Text, length);
        Encoding.UTF8.GetBytes(text, _seedFrame.AsSpan(header));
        Utf8 = _seedFrame.AsMemory(header);
    }

    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>True when <see cref="Utf8"/> is the JSON text of a value that is not a string.</summary>
    public bool IsJson { get; }

    public int Length => Utf8.Length;

    /// <summary>The whole text frame a seed-flavour connection gets: a WebSocket header, then <see cref="Utf8"/>.</summary>
    public byte[] SeedFrame => _seedFrame;

    public static MessageContent Text(string text) => new(text);

    public static MessageContent Text(ReadOnlySpan<byte> utf8) => new(utf8, isJson: false);

    /// <summary>A JSON value (not a string, not null) already checked to be well-formed.</summary>
    public static MessageContent Json(ReadOnlySpan<byte> utf8) => new(utf8, isJson: true);
}
