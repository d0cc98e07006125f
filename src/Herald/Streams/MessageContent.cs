namespace Herald.Streams;

/// <summary>
/// What was published, as UTF-8 bytes kept once for every stream and both wire flavours: either text (the seed
/// flavour sends the bytes as they are; herald.v1 sends a JSON string) or a JSON value other than a string (both
/// flavours send its JSON text).
/// </summary>
internal sealed class MessageContent
{
    private MessageContent(byte[] utf8, bool isJson)
    {
        Utf8 = utf8;
        IsJson = isJson;
    }

    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>True when <see cref="Utf8"/> is the JSON text of a value that is not a string.</summary>
    public bool IsJson { get; }

    public int Length => Utf8.Length;

    public static MessageContent Text(byte[] utf8) => new(utf8, isJson: false);

    /// <summary>A JSON value (not a string, not null) already checked to be well-formed.</summary>
    public static MessageContent Json(byte[] utf8) => new(utf8, isJson: true);
}
