using Herald.Streams;

namespace Herald.Protocol;

/// <summary>The seed flavour's frame of a message: its content as a raw text frame, built when it was published.</summary>
internal sealed class SeedFormat : MessageFormat
{
    public static readonly SeedFormat Instance = new();

    private SeedFormat()
        : base(slot: 0)
    {
    }

    public override byte[] BuildFrame(StreamMessage message) => message.Message.Content.SeedFrame;
}
