using System.Buffers;
using Herald.Diagnostics;

namespace Herald.WebSockets;

internal sealed partial class WebSocketConnection
{
    // A message buffer starts this small and doubles as fragments arrive, up to MaxMessageBytes: a short first
    // fragment never rents the whole limit.
    private const int InitialMessageBufferBytes = 256;

    // While this many replies to the client's own messages wait unsent, its next messages are not read: a client
    // that sends without reading is slowed down instead of growing its queue (or tripping its budget).
    private const int MaxWaitingReplies = 64;

    // The data message being assembled across frames; _messageOpcode is Continuation while none is under way.
    private byte[]? _message;
    private int _messageLength;
    private WebSocketOpcode _messageOpcode;
    private WebSocketMessageKind _completedKind;
    private Utf8Validator _utf8;

    // The data frame whose payload is being read: it streams into the message buffer as it arrives, so a frame
    // larger than the transport's buffers never stalls waiting to be whole.
    private bool _inPayload;
    private long _payloadRemaining;
    private uint _payloadMask;
    private long _payloadOffset;
    private bool _payloadFin;
    private bool _payloadDiscarded;

    // Once set (a message over the limit, or closing), data frames are read past and thrown away.
    private bool _discardingData;

    // Once the client broke the protocol, what it sends is read and thrown away until its Close frame, so that the
    // socket is not closed with unread input (which resets it, and the reset can destroy the Close frame in
    // flight). Frames are skipped by their length alone; once even that makes no sense, reading stops.
    private bool _draining;
    private long _drainSkip;

    private enum FrameOutcome
    {
        Continue,
        NeedMoreData,
        StopReading,

        /// <summary>A whole data message is in the message buffer, to be handled before the next frame.</summary>
        MessageReady,
    }

    /// <summary>
    /// Reads client frames until the client's Close frame arrives or the connection fails. While idle it holds no
    /// buffer: the transport reads with zero-byte reads, and a message buffer is rented only while a message is
    /// being assembled.
    /// </summary>
    private async Task ReceiveLoopAsync(IWebSocketSession session)
    {
        var input = _transport.Input;
        try
        {
            await session.OnOpenedAsync();
            while (true)
            {
                var result = await input.ReadAsync();
                Volatile.Write(ref _lastSeen, _services.TimeProvider.GetTimestamp());
                var buffer = result.Buffer;

                // Read out now, so that the read's result is not kept across the awaits below (in this loop's
                // state, which every idle connection holds).
                var inputEnded = result.IsCompleted || result.IsCanceled;
                FrameOutcome outcome;
                SequencePosition consumed;

                // Handling a message may wait (a join reads the history), so frames after it are parsed only once it is done.
                while ((outcome = ProcessFrames(buffer, out consumed)) == FrameOutcome.MessageReady)
                {
                    buffer = buffer.Slice(consumed);
                    await OnMessageAsync(session);
                    if (_queue.RepliesWaiting >= MaxWaitingReplies)
                    {
                        await _queue.WhenRepliesBelowAsync(MaxWaitingReplies / 2);
                    }
                }

                input.AdvanceTo(consumed, buffer.End);
                if (outcome == FrameOutcome.StopReading)
                {
                    return;
                }

                if (inputEnded)
                {
                    if (!_draining)
                    {
                        Abort("connection lost (the peer closed the connection without a Close frame)");
                    }

                    return;
                }
            }
        }
        catch (Exception exception)
        {
            OnConnectionLost(exception);
        }
        finally
        {
            await LoopEndedAsync();
        }
    }

    /// <summary>Handles every whole frame, and the payload of a frame under way, at the start of <paramref name="buffer"/>.</summary>
    private FrameOutcome ProcessFrames(ReadOnlySequence<byte> buffer, out SequencePosition consumed)
    {
        var remaining = buffer;
        var outcome = FrameOutcome.Continue;
        while (outcome == FrameOutcome.Continue)
        {
            if (_draining)
            {
                outcome = Drain(ref remaining);
                continue;
            }

            if (_inPayload)
            {
                outcome = ProcessPayload(ref remaining);
                continue;
            }

            var status = ClientFrameParser.TryParseHeader(remaining, out var header, out var error);
            outcome = status switch
            {
                FrameHeaderStatus.Incomplete => FrameOutcome.NeedMoreData,
                FrameHeaderStatus.ProtocolError => Fail(WebSocketCloseCodes.ProtocolError, error!),
                _ when header.IsControl => ProcessControlFrame(ref remaining, header),
                _ => StartDataFrame(ref remaining, header),
            };
        }

        consumed = remaining.Start;
        return outcome;
    }

    private FrameOutcome StartDataFrame(ref ReadOnlySequence<byte> remaining, in ClientFrameHeader header)
    {
        var continuing = header.Opcode == WebSocketOpcode.Continuation;
        if (continuing == (_messageOpcode == WebSocketOpcode.Continuation))
        {
            return Fail(
                WebSocketCloseCodes.ProtocolError,
                continuing ? "continuation frame without a message to continue" : "new message before the previous one ended");
        }

        if (!continuing)
        {
            _messageOpcode = header.Opcode;
            _messageLength = 0;
            _utf8.Reset();
        }

        // Both sides of the comparison are within [0, long.MaxValue]: no sum that could wrap.
        var limit = _services.Limits.MaxMessageBytes;
        if (!_discardingData && !IsClosing && header.PayloadLength > limit - _messageLength)
        {
            OnMessageTooLarge(limit);
        }

        _payloadDiscarded = _discardingData || IsClosing;
        if (_payloadDiscarded)
        {
            ReleaseMessageBuffer();
        }
        else
        {
            EnsureMessageCapacity(_messageLength + (int)header.PayloadLength);
        }

        remaining = remaining.Slice(header.HeaderLength);
        (_inPayload, _payloadRemaining, _payloadMask, _payloadOffset, _payloadFin) = (true, header.PayloadLength, header.MaskKey, 0, header.Fin);
        return FrameOutcome.Continue;
    }

    /// <summary>Takes what has arrived of the current data frame's payload; at its end, completes the frame.</summary>
    private FrameOutcome ProcessPayload(ref ReadOnlySequence<byte> remaining)
    {
        var take = (int)Math.Min(_payloadRemaining, remaining.Length);
        if (take > 0)
        {
            if (!_payloadDiscarded)
            {
                var destination = _message.AsSpan(_messageLength, take);
                remaining.Slice(0, take).CopyTo(destination);
                ClientFrameParser.Unmask(destination, _payloadMask, _payloadOffset);
                _messageLength += take;
                if (_messageOpcode == WebSocketOpcode.Text && !_utf8.TryAppend(destination))
                {
                    ReleaseMessageBuffer();
                    return Fail(WebSocketCloseCodes.InvalidPayloadData, "text message is not valid UTF-8");
                }
            }

            remaining = remaining.Slice(take);
            _payloadRemaining -= take;
            _payloadOffset += take;
        }

        if (_payloadRemaining > 0)
        {
            return FrameOutcome.NeedMoreData;
        }

        _inPayload = false;
        if (!_payloadFin)
        {
            return FrameOutcome.Continue;
        }

        var opcode = _messageOpcode;
        _messageOpcode = WebSocketOpcode.Continuation;
        if (_payloadDiscarded)
        {
            return FrameOutcome.Continue;
        }

        if (opcode == WebSocketOpcode.Text && !_utf8.IsComplete)
        {
            ReleaseMessageBuffer();
            return Fail(WebSocketCloseCodes.InvalidPayloadData, "text message ends inside a UTF-8 sequence");
        }

        _completedKind = opcode == WebSocketOpcode.Text ? WebSocketMessageKind.Text : WebSocketMessageKind.Binary;
        return FrameOutcome.MessageReady;
    }

    private FrameOutcome ProcessControlFrame(ref ReadOnlySequence<byte> remaining, in ClientFrameHeader header)
    {
        var length = (int)header.PayloadLength;
        if (remaining.Length < header.HeaderLength + length)
        {
            return FrameOutcome.NeedMoreData;
        }

        Span<byte> payload = stackalloc byte[length];
        remaining.Slice(header.HeaderLength, length).CopyTo(payload);
        ClientFrameParser.Unmask(payload, header.MaskKey, 0);
        remaining = remaining.Slice(header.HeaderLength + length);
        switch (header.Opcode)
        {
            case WebSocketOpcode.Ping:
                _queue.SetControl(OutboundFrame.Control(ServerFrame.Create(WebSocketOpcode.Pong, payload)));
                return FrameOutcome.Continue;
            case WebSocketOpcode.Close:
                if (!ClosePayload.TryParse(payload, out var code, out var reason, out var error, out var errorCode))
                {
                    // Even a malformed Close ends what the client sends: there is nothing left to drain.
                    Fail(errorCode, error!);
                    return FrameOutcome.StopReading;
                }

                SetEndReason(ConnectionEnd.ClientClosed, $"client closed ({code} {LogText.Escape(reason)})");
                RequestClose(WebSocketCloseCodes.NormalClosure, string.Empty, discardQueued: true);
                return FrameOutcome.StopReading;
            default:
                return FrameOutcome.Continue;
        }
    }

    /// <summary>
    /// Hands the whole message in the message buffer to the session, then lets the buffer go. A session that fails
    /// on a message is a bug, logged as one; the client still gets a Close (1011) rather than a reset.
    /// </summary>
    private async ValueTask OnMessageAsync(IWebSocketSession session)
    {
        try
        {
            if (!IsClosing)
            {
                await session.OnMessageAsync(_completedKind, _message is null ? ReadOnlyMemory<byte>.Empty : _message.AsMemory(0, _messageLength));
            }
        }
        catch (Exception exception) when (exception is not (IOException or ObjectDisposedException or OperationCanceledException))
        {
            Log.ConnectionFailed(_services.Logger, exception, Id, Identity, RemoteAddress);
            if (RequestClose(WebSocketCloseCodes.InternalError, "internal error", discardQueued: true))
            {
                _draining = true;
            }
        }
        finally
        {
            ReleaseMessageBuffer();
        }
    }

    private void EnsureMessageCapacity(int needed)
    {
        if (needed == 0 || (_message is { } current && current.Length >= needed))
        {
            return;
        }

        var size = Math.Max(needed, Math.Max(InitialMessageBufferBytes, Math.Min(2 * (long)(_message?.Length ?? 0), _services.Limits.MaxMessageBytes)));
        var grown = ArrayPool<byte>.Shared.Rent((int)size);
        if (_message is { } old)
        {
            old.AsSpan(0, _messageLength).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(old);
        }

        _message = grown;
    }

    private void OnMessageTooLarge(int limit)
    {
        _discardingData = true;
        if (RequestClose(WebSocketCloseCodes.MessageTooBig, $"message exceeds {limit} bytes", discardQueued: true))
        {
            Log.ClientMessageTooLarge(_services.Logger, Id, Identity, RemoteAddress, limit);
        }
    }

    /// <summary>
    /// Fails the connection (RFC 6455 §7.1.7): Close with the code, and no further frames read; what the client
    /// still sends is drained until it closes, or until the close deadline.
    /// </summary>
    private FrameOutcome Fail(int code, string reason)
    {
        if (RequestClose(code, reason, discardQueued: true))
        {
            Log.ProtocolViolation(_services.Logger, Id, Identity, RemoteAddress, code, reason);
        }

        // The rest of a frame under way is skipped first; a frame whose header broke the rules is measured and skipped.
        ReleaseMessageBuffer();
        _draining = true;
        _drainSkip = _inPayload ? _payloadRemaining : 0;
        _inPayload = false;
        return FrameOutcome.Continue;
    }

    /// <summary>Skips what the client sends after breaking the protocol, until its Close frame.</summary>
    private FrameOutcome Drain(ref ReadOnlySequence<byte> remaining)
    {
        if (_drainSkip > 0)
        {
            var skipped = Math.Min(_drainSkip, remaining.Length);
            remaining = remaining.Slice(skipped);
            _drainSkip -= skipped;
            return _drainSkip > 0 ? FrameOutcome.NeedMoreData : FrameOutcome.Continue;
        }

        switch (ClientFrameParser.TryMeasure(remaining, out var opcode, out var frameLength))
        {
            case FrameHeaderStatus.Incomplete:
                return FrameOutcome.NeedMoreData;
            case FrameHeaderStatus.ProtocolError:
                // A length that cannot be one: nothing says where the client's Close would start, so waiting for
                // it would only hold the connection until the close deadline.
                return FrameOutcome.StopReading;
            case FrameHeaderStatus.Complete when opcode == WebSocketOpcode.Close:
                return FrameOutcome.StopReading;
            default:
                _drainSkip = frameLength;
                return FrameOutcome.Continue;
        }
    }

    private void ReleaseMessageBuffer()
    {
        if (_message is { } message)
        {
            _message = null;
            ArrayPool<byte>.Shared.Return(message);
        }

        _messageLength = 0;
    }
}
