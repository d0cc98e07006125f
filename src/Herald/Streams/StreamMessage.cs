using Herald.Delivery;
using Herald.Protocol;

namespace Herald.Streams;

/// <summary>
/// A published message at its place in one stream. Its frames are built at most once per wire flavour, the first
/// time a connection of that flavour needs them, and then shared by every recipient and every replay.
/// </summary>
internal sealed class StreamMessage(StreamId stream, string epoch, long seq, PublishedMessage message)
{
    // Rough cost of the object, its frames and the history's bookkeeping, so that HistoryMaxBytes bounds memory.
    private const int OverheadBytes = 320;

    private OutboundFrame? _seedFrame;
    private OutboundFrame? _envelopeFrame;

    public StreamId Stream { get; } = stream;

    public string Epoch { get; } = epoch;

    public long Seq { get; } = seq;

    public PublishedMessage Message { get; } = message;

    /// <summary>What keeping this message costs, counted against HistoryMaxBytes: the content in both flavours' frames, plus overhead.</summary>
    public int RetainedBytes => (2 * Message.Content.Length) + OverheadBytes;

    public OutboundFrame FrameFor(WireFlavour flavour) => flavour == WireFlavour.HeraldV1
        ? Volatile.Read(ref _envelopeFrame) ?? Build(ref _envelopeFrame, Envelopes.Message(this))
        : Volatile.Read(ref _seedFrame) ?? Build(ref _seedFrame, Message.Content.SeedFrame);

    private OutboundFrame Build(ref OutboundFrame? field, byte[] frame)
    {
        var conflationKey = Message.Key is null ? null : string.Concat(Stream.Name, "\n", Message.Key);
        var built = OutboundFrame.Message(frame, conflationKey);

        // Two builders may race; both frames are equal, and the first one stored is the one everybody shares.
        return Interlocked.CompareExchange(ref field, built, null) ?? built;
    }
}
