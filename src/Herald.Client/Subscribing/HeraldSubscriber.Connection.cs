using System.Net.WebSockets;
using System.Text.Json;
using Herald.Client.Subscribing;

namespace Herald.Client;

public sealed partial class HeraldSubscriber
{
    private const string BroadcastStream = "broadcast";

    // The connection task: one connection after another until the subscriber closes for good.
    private async Task RunAsync()
    {
        var attempt = 1;
        var tokenRefusals = 0;
        try
        {
            while (true)
            {
                SetState(new HeraldSubscriberState(HeraldSubscriberStatus.Connecting) { Attempt = attempt });
                var end = await RunConnectionAsync();
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                attempt = end.LoggedIn && !CloseCodeRules.CountsAsFailedAttempt(end.CloseStatus) ? 1 : attempt + 1;
                tokenRefusals = (end.LoggedIn ? 0 : tokenRefusals) + (CloseCodeRules.IsTokenRefusal(end.CloseStatus) ? 1 : 0);
                var final = end.IsFinal
                    || (end.CloseStatus is { } status && CloseCodeRules.EndsSubscriber(status, end.LoggedIn, _options.AccessTokenProvider is not null, tokenRefusals));
                if (final || attempt > _options.Reconnect.MaxAttempts)
                {
                    Close(new HeraldSubscriberState(HeraldSubscriberStatus.Closed)
                    {
                        Attempt = final ? 0 : attempt - 1,
                        CloseStatus = end.CloseStatus,
                        CloseReason = end.CloseReason,
                        Error = end.Error,
                    });
                    return;
                }

                var delay = ReconnectBackoff.Delay(_options.Reconnect, attempt, Random.Shared.NextDouble());
                SetState(new HeraldSubscriberState(HeraldSubscriberStatus.Reconnecting)
                {
                    Attempt = attempt,
                    Delay = delay,
                    CloseStatus = end.CloseStatus,
                    CloseReason = end.CloseReason,
                    Error = end.Error,
                });
                await Task.Delay(delay, _options.TimeProvider, _stopping.Token);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Disposed while waiting to reconnect.
        }
        catch (Exception exception)
        {
            // Not a connection failure (RunConnectionAsync turns those into a ConnectionEnd): an event handler of the
            // application's threw. Going on would hide its failure.
            Close(new HeraldSubscriberState(HeraldSubscriberStatus.Closed) { Error = exception });
        }
    }

    // Opens one connection, logs in, restores the topics, and receives until the connection ends.
    private async Task<ConnectionEnd> RunConnectionAsync()
    {
        using var socket = new ClientWebSocket();
        ConfigureSocket(socket.Options);
        var connection = new SubscriberConnection(socket, _options.TimeProvider);
        try
        {
            using (var timeout = new CancellationTokenSource(_options.ConnectTimeout, _options.TimeProvider))
            using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping.Token))
            {
                try
                {
                    if (await LogInAsync(connection, connecting.Token) is { } refused)
                    {
                        return refused;
                    }
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !_stopping.IsCancellationRequested)
                {
                    return new ConnectionEnd(null, null, new TimeoutException($"Not logged in to {_options.ServerUri} within {_options.ConnectTimeout}."), false, false);
                }
            }

            await RestoreTopicsAsync(connection);

            // Connected once logged in, not once every stream's joined has been read: those come after the replayed
            // messages, which wait for the application when there are more than the buffer holds.
            SetState(new HeraldSubscriberState(HeraldSubscriberStatus.Connected));
            _firstConnection.TrySetResult();
            using var connectionEnded = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            connection.Ended = connectionEnded.Token;
            var keepAlive = _options.KeepAliveInterval > TimeSpan.Zero ? KeepAliveAsync(connection, connectionEnded.Token) : Task.CompletedTask;
            ConnectionEnd end;
            try
            {
                end = await ReceiveAsync(connection);
            }
            finally
            {
                await connectionEnded.CancelAsync();
                await keepAlive;

                // One call of the provider at a time: the next attempt asks it only once this refresh is over.
                await connection.Refresh;
            }

            // A token that expired on the open connection: why it was not refreshed, now that the refresh is over.
            return end.CloseStatus == CloseCodeRules.TokenExpired ? end with { Error = connection.RefreshFailure } : end;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return new ConnectionEnd(null, null, null, connection.LoggedIn, true);
        }
        catch (JsonException exception)
        {
            // The server broke the protocol. Reconnecting resumes from the last message handed over, so nothing is lost.
            await CloseAfterProtocolViolationAsync(connection);
            return new ConnectionEnd(null, null, new InvalidDataException($"Herald sent an envelope that breaks the {SubProtocol} protocol: {exception.Message}", exception), connection.LoggedIn, false);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            // A broken connection, or one aborted: by the keep-alive, or by the socket itself. (Disposal is caught above.)
            var error = connection.TimedOut
                ? new TimeoutException($"Herald did not answer a ping within {_options.KeepAliveTimeout}.", exception)
                : exception;
            return new ConnectionEnd(connection.LoggedIn ? ConnectionEnd.AbnormalClosure : null, null, error, connection.LoggedIn, false);
        }
        finally
        {
            List<PendingAnswer> unanswered;
            lock (_gate)
            {
                if (_connection == connection)
                {
                    _connection = null;
                }

                unanswered = [.. connection.Pending];
                connection.Pending.Clear();
            }

            // A topic command cut off by the loss is done all the same: the topic set decides what the next login restores.
            foreach (var answer in unanswered)
            {
                answer.Waiter?.TrySetResult();
            }
        }
    }

    private void ConfigureSocket(ClientWebSocketOptions socketOptions)
    {
        socketOptions.AddSubProtocol(SubProtocol);
        _options.ConfigureWebSocket?.Invoke(socketOptions);
    }

    // Asks for a token (with a provider), connects and sends login with the positions to resume from; null once
    // welcome came, or how the attempt ended.
    private async Task<ConnectionEnd?> LogInAsync(SubscriberConnection connection, CancellationToken cancellationToken)
    {
        // Before the WebSocket opens, so that the server's login timeout does not run while the provider works.
        if (_options.AccessTokenProvider is { } provider)
        {
            try
            {
                connection.Token = await provider(cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return new ConnectionEnd(null, null, exception, false, false);
            }

            if (string.IsNullOrEmpty(connection.Token))
            {
                return new ConnectionEnd(null, null, new InvalidOperationException("The AccessTokenProvider gave no token to log in with."), false, false);
            }
        }

        await connection.Socket.ConnectAsync(_options.ServerUri, cancellationToken);
        if (connection.Socket.SubProtocol != SubProtocol)
        {
            // A server that ignores the subprotocol speaks the seed flavour: it would take the login for a seed login
            // and send raw text. No retry will change that.
            await CloseOutputAsync(connection, WebSocketCloseStatus.ProtocolError, "herald.v1 required", cancellationToken);
            return new ConnectionEnd(null, null, new NotSupportedException($"The server at {_options.ServerUri} does not speak {SubProtocol}."), false, true);
        }

        byte[] login;
        lock (_gate)
        {
            // The uid goes with the token once known: a token of another user is then refused (4012) instead of
            // mixing two users' streams in one subscriber.
            login = ClientEnvelopes.Login(_userId, connection.Token, LoginResumePositions());
        }

        await SendAsync(connection, login, cancellationToken);
        while (await connection.ReceiveTextAsync(cancellationToken) is { } frame)
        {
            // Nothing but welcome comes before it: the server queues the login's answers after it.
            var envelope = ServerEnvelope.Parse(frame.Span);
            if (envelope.Type == "welcome")
            {
                lock (_gate)
                {
                    _userId ??= envelope.Uid ?? throw new JsonException("A welcome envelope without 'uid'.");
                }

                connection.LoggedIn = true;
                return null;
            }
        }

        return await ClosedByServerAsync(connection);
    }

    // Under the gate.
    private List<KeyValuePair<string, StreamPosition>> LoginResumePositions()
    {
        var resume = new List<KeyValuePair<string, StreamPosition>>(2);
        if (_userId is { } userId)
        {
            var userStream = "user:" + userId;
            if (_positions.Get(userStream) is { } user)
            {
                resume.Add(new(userStream, user));
            }
            else if (_options.StartPosition == HeraldStartPosition.Retained)
            {
                resume.Add(new(userStream, new StreamPosition(null, 0)));
            }
        }

        if (_positions.Get(BroadcastStream) is { } broadcast)
        {
            resume.Add(new(BroadcastStream, broadcast));
        }

        return resume;
    }

    // From now on topic commands go to this connection; the topics remembered so far are subscribed again, each
    // from its last position. Their answers come in order, after whatever the login replays.
    private async Task RestoreTopicsAsync(SubscriberConnection connection)
    {
        await _sendLock.WaitAsync(_stopping.Token);
        try
        {
            List<(string Topic, StreamPosition? Resume)> topics;
            lock (_gate)
            {
                _connection = connection;
                topics = [.. _topics.Select(topic => (topic, _positions.Get(TopicNames.Stream(topic))))];
                foreach (var (topic, _) in topics)
                {
                    connection.Pending.Add(new PendingAnswer("subscribe", TopicNames.Stream(topic), topic, null));
                }
            }

            foreach (var (topic, resume) in topics)
            {
                await connection.Socket.SendAsync(ClientEnvelopes.Subscribe(topic, resume), WebSocketMessageType.Text, true, _stopping.Token);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task SendAsync(SubscriberConnection connection, byte[] envelope, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await connection.Socket.SendAsync(envelope, WebSocketMessageType.Text, true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task CloseOutputAsync(SubscriberConnection connection, WebSocketCloseStatus status, string? reason, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (connection.Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await connection.Socket.CloseOutputAsync(status, reason, cancellationToken);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    // The server's Close came: answer it, so that the server's close handshake completes. Whether its code ends the
    // subscriber is for the connection task to say (CloseCodeRules), which knows the refusals before it.
    private async Task<ConnectionEnd> ClosedByServerAsync(SubscriberConnection connection)
    {
        var socket = connection.Socket;
        using (var timeout = new CancellationTokenSource(_options.CloseTimeout, _options.TimeProvider))
        {
            try
            {
                await CloseOutputAsync(connection, WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
                // The server may already have dropped the connection; its Close frame said everything needed.
            }
        }

        var status = (int?)socket.CloseStatus ?? ConnectionEnd.AbnormalClosure;
        return new ConnectionEnd(status, socket.CloseStatusDescription, null, connection.LoggedIn, false);
    }

    // DisposeAsync: a Close 1000 on the logged-in connection; the receive loop then reads until the server's answer.
    private async Task CloseConnectionAsync()
    {
        SubscriberConnection? connection;
        lock (_gate)
        {
            connection = _connection;
        }

        if (connection is null)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(_options.CloseTimeout, _options.TimeProvider);
        try
        {
            await CloseOutputAsync(connection, WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            // Already broken or too slow: the connection task ends it either way, by its abort if need be.
        }
    }

    private async Task CloseAfterProtocolViolationAsync(SubscriberConnection connection)
    {
        using var timeout = new CancellationTokenSource(_options.CloseTimeout, _options.TimeProvider);
        try
        {
            await CloseOutputAsync(connection, WebSocketCloseStatus.ProtocolError, "invalid envelope", timeout.Token);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            // Best effort: disposing the socket ends the connection anyway.
        }
    }
}
