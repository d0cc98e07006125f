using System.Buffers;
using System.Net.WebSockets;

namespace Herald.Connections;

internal sealed partial class ClientConnection
{
    private enum ReadOutcome
    {
        Complete,
        TooLarge,
        Closed,
    }

    /// <summary>
    /// Reads client messages until the client's Close frame arrives or the connection fails. Each wait starts
    /// with a zero-byte read, so an idle connection holds no receive buffer; one is rented per message.
    /// </summary>
    private async Task ReceiveLoopAsync()
    {
        var limit = _services.Options.MaxClientMessageBytes;
        try
        {
            while (true)
            {
                var head = await _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
                if (head.MessageType == WebSocketMessageType.Close)
                {
                    OnClientClosed();
                    return;
                }

                var buffer = ArrayPool<byte>.Shared.Rent(limit);
                try
                {
                    var (outcome, length) = await ReadMessageAsync(head.EndOfMessage, buffer.AsMemory(0, limit));
                    switch (outcome)
                    {
                        case ReadOutcome.Closed:
                            OnClientClosed();
                            return;
                        case ReadOutcome.TooLarge:
                            OnClientMessageTooLarge(limit);
                            break;
                        case ReadOutcome.Complete:
                            OnClientMessage(head.MessageType, buffer.AsSpan(0, length));
                            break;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception exception)
        {
            OnConnectionLost(exception);
        }
    }

    /// <summary>
    /// Reads the rest of a message into <paramref name="buffer"/>. A message that does not fit is read to its
    /// end and thrown away, so the stream stays in step and the client's Close can still be received.
    /// </summary>
    private async Task<(ReadOutcome Outcome, int Length)> ReadMessageAsync(bool endOfMessage, Memory<byte> buffer)
    {
        var length = 0;
        var tooLarge = false;
        while (!endOfMessage)
        {
            if (length == buffer.Length)
            {
                tooLarge = true;
                length = 0;
            }

            var result = await _socket.ReceiveAsync(buffer[length..], CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (ReadOutcome.Closed, 0);
            }

            length += result.Count;
            endOfMessage = result.EndOfMessage;
        }

        return tooLarge ? (ReadOutcome.TooLarge, 0) : (ReadOutcome.Complete, length);
    }

    private void OnClientMessage(WebSocketMessageType type, ReadOnlySpan<byte> message)
    {
        if (IsClosing)
        {
            return;
        }

        if (type != WebSocketMessageType.Text)
        {
            Log.ClientMessageIgnored(_services.Logger, Id, UserId ?? "-", "binary message", message.Length);
            return;
        }

        var outcome = LoginMessage.Parse(message, _services.Options.MaxUserIdLength, out var userId, out var error);
        switch (outcome)
        {
            case LoginParseOutcome.NotALogin:
                Log.ClientMessageIgnored(_services.Logger, Id, UserId ?? "-", "not a login message", message.Length);
                break;
            case LoginParseOutcome.Invalid:
                Log.LoginRejected(_services.Logger, Id, RemoteAddress, error!);
                RequestClose((WebSocketCloseStatus)HeraldCloseCodes.InvalidLogin, error!, discardQueued: true);
                break;
            case LoginParseOutcome.Valid when UserId is not null:
                Log.LoginRejected(_services.Logger, Id, RemoteAddress, "a second login on a logged-in connection");
                RequestClose((WebSocketCloseStatus)HeraldCloseCodes.AlreadyLoggedIn, "already logged in", discardQueued: true);
                break;
            case LoginParseOutcome.Valid:
                LogIn(userId!);
                break;
        }
    }

    private void LogIn(string userId)
    {
        Interlocked.Exchange(ref _loginTimer, null)?.Dispose();
        UserId = userId;
        _services.Registry.AddToUser(userId, this);
        Log.ConnectionLoggedIn(_services.Logger, Id, userId, RemoteAddress);
    }

    private void OnClientMessageTooLarge(int limit)
    {
        if (RequestClose(WebSocketCloseStatus.MessageTooBig, $"message exceeds {limit} bytes", discardQueued: true))
        {
            Log.ClientMessageTooLarge(_services.Logger, Id, UserId ?? "-", RemoteAddress, limit);
        }
    }

    private void OnClientClosed()
    {
        SetEndReason($"client closed ({(int?)_socket.CloseStatus} {_socket.CloseStatusDescription})");
        RequestClose(WebSocketCloseStatus.NormalClosure, string.Empty, discardQueued: true);
    }
}
