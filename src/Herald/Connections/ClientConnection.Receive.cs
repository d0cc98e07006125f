using System.Buffers;
using System.Text.Unicode;
using Herald.Delivery;
using Herald.Protocol;
using Herald.Streams;
using Herald.WebSockets;

namespace Herald.Connections;

internal sealed partial class ClientConnection
{
    // The data message being assembled across frames; _messageOpcode is Continuation while none is under way.
    private byte[]? _message;
    private int _messageLength;
    private WebSocketOpcode _messageOpcode;
    private WebSocketOpcode _completedOpcode;

    // Once set (a message over the limit, or closing), data frames are read past and thrown away.
    private bool _discardingData;
    private long _payloadToSkip;

    private enum FrameOutcome
    {
        Continue,
        NeedMoreData,
        StopReading,

        /// <summary>A whole data message is in the message buffer, to be handled before the next frame.</summary>
        MessageReady,
    }

    /// <summary>
    /// Reads client frames until the client's Close frame arrives, the protocol is broken, or the connection
    /// fails. While idle it holds no buffer: the transport reads with zero-byte reads, and a message buffer is
    /// rented only while a message is being assembled.
    /// </summary>
    private async Task ReceiveLoopAsync()
    {
        var input = _transport.Input;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync();
                Volatile.Write(ref _lastSeen, _services.TimeProvider.GetTimestamp());
                var buffer = result.Buffer;
                FrameOutcome outcome;
                SequencePosition consumed;

                // Handling a message may wait (a join reads the history), so frames after it are parsed only once it is done.
                while ((outcome = ProcessFrames(buffer, out consumed)) == FrameOutcome.MessageReady)
                {
                    buffer = buffer.Slice(consumed);
                    await OnClientMessageAsync();
                }

                input.AdvanceTo(consumed, result.Buffer.End);
                if (outcome == FrameOutcome.StopReading)
                {
                    return;
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    Abort("connection lost (the peer closed the connection without a Close frame)");
                    return;
                }
            }
        }
        catch (Exception exception)
        {
            OnConnectionLost(exception);
        }
    }

    /// <summary>Handles every whole frame at the start of <paramref name="buffer"/>.</summary>
    private FrameOutcome ProcessFrames(ReadOnlySequence<byte> buffer, out SequencePosition consumed)
    {
        var remaining = buffer;
        var outcome = FrameOutcome.Continue;
        while (outcome == FrameOutcome.Continue)
        {
            if (_payloadToSkip > 0)
            {
                var skipped = Math.Min(_payloadToSkip, remaining.Length);
                remaining = remaining.Slice(skipped);
                _payloadToSkip -= skipped;
                if (_payloadToSkip > 0)
                {
                    break;
                }
            }

            var status = ClientFrameParser.TryParseHeader(remaining, out var header, out var error);
            outcome = status switch
            {
                FrameHeaderStatus.Incomplete => FrameOutcome.NeedMoreData,
                FrameHeaderStatus.ProtocolError => Fail(WebSocketCloseCodes.ProtocolError, error!),
                _ when header.IsControl => ProcessControlFrame(ref remaining, header),
                _ => ProcessDataFrame(ref remaining, header),
            };
        }

        consumed = remaining.Start;
        return outcome;
    }

    private FrameOutcome ProcessDataFrame(ref ReadOnlySequence<byte> remaining, in ClientFrameHeader header)
    {
        var continuing = header.Opcode == WebSocketOpcode.Continuation;
        if (continuing == (_messageOpcode == WebSocketOpcode.Continuation))
        {
            return Fail(
                WebSocketCloseCodes.ProtocolError,
                continuing ? "continuation frame without a message to continue" : "new message before the previous one ended");
        }

        var opcode = continuing ? _messageOpcode : header.Opcode;
        var limit = _services.Options.MaxClientMessageBytes;
        if (!_discardingData && !IsClosing && _messageLength + header.PayloadLength > limit)
        {
            OnClientMessageTooLarge(limit);
        }

        if (_discardingData || IsClosing)
        {
            ReleaseMessageBuffer();
            remaining = remaining.Slice(header.HeaderLength);
            _payloadToSkip = header.PayloadLength;
            _messageOpcode = header.Fin ? WebSocketOpcode.Continuation : opcode;
            return FrameOutcome.Continue;
        }

        var length = (int)header.PayloadLength;
        if (remaining.Length < header.HeaderLength + length)
        {
            return FrameOutcome.NeedMoreData;
        }

        if (length > 0)
        {
            _message ??= ArrayPool<byte>.Shared.Rent(limit);
            var destination = _message.AsSpan(_messageLength, length);
            remaining.Slice(header.HeaderLength, length).CopyTo(destination);
            ClientFrameParser.Unmask(destination, header.MaskKey, 0);
            _messageLength += length;
        }

        remaining = remaining.Slice(header.HeaderLength + length);
        if (!header.Fin)
        {
            _messageOpcode = opcode;
            return FrameOutcome.Continue;
        }

        _messageOpcode = WebSocketOpcode.Continuation;
        if (opcode == WebSocketOpcode.Text && !Utf8.IsValid(_message is null ? [] : _message.AsSpan(0, _messageLength)))
        {
            ReleaseMessageBuffer();
            return Fail(WebSocketCloseCodes.InvalidPayloadData, "text message is not valid UTF-8");
        }

        _completedOpcode = opcode;
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
                if (!ClosePayload.TryParse(payload, out var code, out var reason, out var error))
                {
                    return Fail(WebSocketCloseCodes.ProtocolError, error!);
                }

                SetEndReason($"client closed ({code} {reason})");
                RequestClose(WebSocketCloseCodes.NormalClosure, string.Empty, discardQueued: true);
                return FrameOutcome.StopReading;
            default:
                return FrameOutcome.Continue;
        }
    }

    /// <summary>Handles the whole message in the message buffer, in the connection's flavour, then lets the buffer go.</summary>
    private async ValueTask OnClientMessageAsync()
    {
        try
        {
            var message = _message is null ? ReadOnlyMemory<byte>.Empty : _message.AsMemory(0, _messageLength);
            if (_completedOpcode != WebSocketOpcode.Text)
            {
                Log.ClientMessageIgnored(_services.Logger, Id, UserId ?? "-", "binary message", message.Length);
            }
            else if (IsClosing)
            {
                return;
            }
            else if (Flavour == WireFlavour.HeraldV1)
            {
                await OnCommandAsync(message);
            }
            else
            {
                OnSeedMessage(message.Span);
            }
        }
        finally
        {
            ReleaseMessageBuffer();
        }
    }

    /// <summary>The seed flavour: a login is the only message that means anything.</summary>
    private void OnSeedMessage(ReadOnlySpan<byte> message)
    {
        var outcome = LoginMessage.Parse(message, _services.Options.MaxUserIdLength, out var userId, out var error);
        switch (outcome)
        {
            case LoginParseOutcome.NotALogin:
                Log.ClientMessageIgnored(_services.Logger, Id, UserId ?? "-", "text message that is not a login", message.Length);
                break;
            case LoginParseOutcome.Invalid:
                RejectLogin(HeraldCloseCodes.InvalidLogin, error!, error!);
                break;
            case LoginParseOutcome.Valid when UserId is not null:
                RejectLogin(HeraldCloseCodes.AlreadyLoggedIn, "already logged in", "a second login on a logged-in connection");
                break;
            case LoginParseOutcome.Valid:
                LogIn(userId!, joining: false);
                break;
        }
    }

    private void RejectLogin(int code, string reason, string logReason)
    {
        Log.LoginRejected(_services.Logger, Id, RemoteAddress, logReason);
        RequestClose(code, reason, discardQueued: true);
    }

    /// <summary>
    /// Ties the connection to the user and puts it on the user stream and the broadcast stream: live at once, or
    /// (<paramref name="joining"/>) holding live messages until the joins complete.
    /// </summary>
    private void LogIn(string userId, bool joining)
    {
        UserId = userId;
        UserSubscription = joining ? Subscription.Joining(this, StreamId.ForUser(userId)) : Subscription.Live(this, StreamId.ForUser(userId));
        BroadcastSubscription = joining ? Subscription.Joining(this, StreamId.Broadcast) : Subscription.Live(this, StreamId.Broadcast);
        _services.Registry.AddToUser(UserSubscription);
        Log.ConnectionLoggedIn(_services.Logger, Id, userId, RemoteAddress);
    }

    private void OnClientMessageTooLarge(int limit)
    {
        _discardingData = true;
        if (RequestClose(WebSocketCloseCodes.MessageTooBig, $"message exceeds {limit} bytes", discardQueued: true))
        {
            Log.ClientMessageTooLarge(_services.Logger, Id, UserId ?? "-", RemoteAddress, limit);
        }
    }

    /// <summary>Fails the connection (RFC 6455 §7.1.7): Close with the code, and no further reading.</summary>
    private FrameOutcome Fail(int code, string reason)
    {
        if (RequestClose(code, reason, discardQueued: true))
        {
            Log.ProtocolViolation(_services.Logger, Id, UserId ?? "-", RemoteAddress, code, reason);
        }

        return FrameOutcome.StopReading;
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
