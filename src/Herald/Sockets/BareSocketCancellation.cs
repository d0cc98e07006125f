namespace Herald.Sockets;

/// <summary>
/// Reads and writes on a bare socket end only by data, by the bytes being sent or by the socket closing: Herald
/// aborts a connection, it never cancels its reads or writes. A way to cancel is refused rather than ignored.
/// </summary>
internal static class BareSocketCancellation
{
    public static NotSupportedException NotSupported() => new("a WebSocket on a bare socket is aborted, not cancelled");

    /// <exception cref="NotSupportedException">When <paramref name="cancellationToken"/> can be cancelled.</exception>
    public static void Refuse(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            throw NotSupported();
        }
    }
}
