using Herald.Streams;

namespace Herald.Protocol;

/// <summary>The herald.v1 frame of a message: its <c>message</c> envelope, with stream, epoch, seq, id and time.</summary>
internal sealed class HeraldV1Format : MessageFormat
{
    public static readonly HeraldV1Format Instance = new();

    private HeraldV1Format()
        : base(slot: 1)
    {
    }

    public override byte[] BuildFrame(StreamMessage message) => Envelopes.Message(message);
}
