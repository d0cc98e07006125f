namespace Herald.Streams;

/// <summary>
/// One way of putting a stream message on the wire (each wire flavour has one). A message builds its frame in a
/// format at most once, the first time a subscriber of that format needs it, and shares it from then on.
/// </summary>
internal abstract class MessageFormat(int slot)
{
    /// <summary>How many formats a message keeps a frame for.</summary>
    public const int Slots = 2;

    /// <summary>Where a message keeps this format's frame: 0 to <see cref="Slots"/> - 1, one per format.</summary>
    public int Slot { get; } = slot >= 0 && slot < Slots ? slot : throw new ArgumentOutOfRangeException(nameof(slot));

    /// <summary>The whole frame (header and payload) of <paramref name="message"/> in this format.</summary>
    public abstract byte[] BuildFrame(StreamMessage message);
}
