using Herald.WebSockets;

namespace Herald.Streams;

/// <summary>
/// A published message at its place in one stream. Its frames are built at most once per wire flavour, the first
/// time a subscriber of that format needs them, and then shared by every recipient. It lives as long as its
/// delivery: the history keeps the message's record, not this object, and a replay rebuilds one from it.
/// </summary>
internal sealed class StreamMessage(StreamId stream, string epoch, long seq, PublishedMessage message)
{
    // One frame per format (MessageFormat.Slots of them), as fields: no array per message.
    private OutboundFrame? _frame0;
    private OutboundFrame? _frame1;

    public StreamId Stream { get; } = stream;

    public string Epoch { get; } = epoch;

    public long Seq { get; } = seq;

    public PublishedMessage Message { get; } = message;

    public OutboundFrame FrameFor(MessageFormat format) => format.Slot == 0
        ? Volatile.Read(ref _frame0) ?? Build(ref _frame0, format)
        : Volatile.Read(ref _frame1) ?? Build(ref _frame1, format);

    private OutboundFrame Build(ref OutboundFrame? field, MessageFormat format)
    {
        var conflationKey = Message.Key is null ? null : string.Concat(Stream.Name, "\n", Message.Key);
        var built = OutboundFrame.Message(format.BuildFrame(this), conflationKey, Message.AcceptedAt);

        // Two builders may race; both frames are equal, and the first one stored is the one everybody shares.
        return Interlocked.CompareExchange(ref field, built, null) ?? built;
    }
}
