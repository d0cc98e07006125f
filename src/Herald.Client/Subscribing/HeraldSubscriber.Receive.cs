using System.Text.Json;
using Herald.Client.Subscribing;

namespace Herald.Client;

public sealed partial class HeraldSubscriber
{
    // The error code of a topic the credential does not grant; also what a topic the server took off after a refresh is reported with.
    private const string TopicNotAllowed = "topic_not_allowed";

    // Reads envelopes until the connection ends; returns how it ended. A JsonException (an envelope that breaks the
    // protocol) and a WebSocketException (a broken connection) are left to RunConnectionAsync.
    private async Task<ConnectionEnd> ReceiveAsync(SubscriberConnection connection)
    {
        while (await connection.ReceiveTextAsync(_abort.Token) is { } frame)
        {
            var envelope = ServerEnvelope.Parse(frame.Span);
            try
            {
                await HandleAsync(connection, envelope);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // Disposed while waiting for room in the buffer: read on until the server answers the Close.
            }
        }

        return await ClosedByServerAsync(connection);
    }

    private Task HandleAsync(SubscriberConnection connection, ServerEnvelope envelope)
    {
        switch (envelope.Type)
        {
            case "message":
                return DeliverAsync(connection, ToMessage(envelope));
            case "joined":
                return JoinAsync(connection, envelope);
            case "left":
                Leave(connection, Required(envelope.Stream, "left", "stream"));
                break;
            case "error":
                Refuse(connection, envelope);
                break;
            case "token_expiring":
                OnTokenExpiring(connection);
                break;
            case "refreshed":
                OnRefreshed(connection);
                break;

            // welcome, pong, and whatever a newer server adds: nothing to do.
        }

        return Task.CompletedTask;
    }

    private async Task DeliverAsync(SubscriberConnection connection, HeraldMessage message)
    {
        lock (_gate)
        {
            // Not on the stream: a topic the application unsubscribed from, whose last messages were still on their way.
            if (!connection.Streams.Contains(message.Stream) || !_positions.IsNew(message.Stream, message.Epoch, message.Seq))
            {
                return;
            }
        }

        await HandOverAsync(connection, new Delivery(message, null));
        lock (_gate)
        {
            if (connection.Streams.Contains(message.Stream))
            {
                _positions.Advance(message.Stream, message.Epoch, message.Seq);
            }
        }
    }

    private async Task JoinAsync(SubscriberConnection connection, ServerEnvelope envelope)
    {
        var stream = Required(envelope.Stream, "joined", "stream");
        var joined = new HeraldStreamJoined(
            stream,
            envelope.Epoch,
            Required(envelope.Seq, "joined", "seq"),
            envelope.Recovered switch
            {
                null => HeraldResumeOutcome.Live,
                true => HeraldResumeOutcome.Recovered,
                false => HeraldResumeOutcome.NotRecovered,
            },
            envelope.Reason,
            envelope.Replayed ?? 0);

        PendingAnswer? answer;
        bool wanted;
        lock (_gate)
        {
            answer = connection.TakePending("subscribe", stream);

            // A topic the application unsubscribed from since: its unsubscribe follows, so stay off the stream.
            wanted = TopicNames.TopicOf(stream) is not { } topic || _topics.Contains(topic);
            if (wanted)
            {
                connection.Streams.Add(stream);
                _positions.Join(stream, joined.Epoch, joined.Seq, joined.Replayed);
            }
        }

        // Answered as soon as read, not once the application has read the messages buffered before it.
        answer?.Waiter?.TrySetResult();
        if (wanted)
        {
            await HandOverAsync(connection, new Delivery(null, joined));
        }
    }

    private void Leave(SubscriberConnection connection, string stream)
    {
        PendingAnswer? answer;
        string? revoked = null;
        lock (_gate)
        {
            answer = connection.TakePending("unsubscribe", stream);
            connection.Streams.Remove(stream);
            if (answer?.Topic is { } topic && !_topics.Contains(topic))
            {
                _positions.Forget(stream);
            }
            else if (answer is null && TopicNames.TopicOf(stream) is { } left && _topics.Remove(left))
            {
                // Not asked for: a refreshed token that no longer grants the topic. Restoring it would be refused.
                _positions.Forget(stream);
                revoked = left;
            }
        }

        answer?.Waiter?.TrySetResult();
        if (revoked is not null)
        {
            SubscriptionRefused?.Invoke(this, new HeraldSubscriptionException(revoked, TopicNotAllowed, $"The refreshed token does not grant topic '{revoked}': the server took the subscriber off it."));
        }
    }

    private void Refuse(SubscriberConnection connection, ServerEnvelope envelope)
    {
        if (envelope.Command == "refresh")
        {
            OnRefreshRefused(connection, envelope);
            return;
        }

        if (envelope.Command is not ("subscribe" or "unsubscribe"))
        {
            // The subscriber sends no other command that can be refused without closing the connection.
            return;
        }

        var code = envelope.Code ?? "unknown";
        PendingAnswer? answer;
        lock (_gate)
        {
            answer = connection.TakePending(envelope.Command, null);
            if (answer?.Topic is { } topic && envelope.Command == "subscribe" && code != "already_subscribed")
            {
                _topics.Remove(topic);
            }
        }

        if (answer?.Topic is not { } refusedTopic || code == "already_subscribed")
        {
            // Already on the topic is what a subscribe asks for.
            answer?.Waiter?.TrySetResult();
            return;
        }

        var refusal = new HeraldSubscriptionException(refusedTopic, code, envelope.Message ?? $"Herald refused to {envelope.Command} '{refusedTopic}' ({code}).");
        if (answer.Waiter is { } waiter)
        {
            waiter.TrySetException(refusal);
        }
        else
        {
            SubscriptionRefused?.Invoke(this, refusal);
        }
    }

    // Waits for room in the buffer; once disposing, only takes what fits. What came before the server's answer to
    // the Close is still worth reading, but DisposeAsync must not wait for the application.
    private Task HandOverAsync(SubscriberConnection connection, Delivery delivery)
    {
        if (_stopping.IsCancellationRequested)
        {
            _deliveries.Writer.TryWrite(delivery);
            return Task.CompletedTask;
        }

        return connection.DeliverAsync(_deliveries.Writer.WriteAsync, delivery, _stopping.Token);
    }

    private static HeraldMessage ToMessage(ServerEnvelope envelope) => new(
        Required(envelope.Stream, "message", "stream"),
        Required(envelope.Epoch, "message", "epoch"),
        Required(envelope.Seq, "message", "seq"),
        Required(envelope.Id, "message", "id"),
        Required(envelope.Time, "message", "time"),
        Required(envelope.Data, "message", "data"),
        envelope.Key);

    private static T Required<T>(T? value, string type, string field)
        where T : class =>
        value ?? throw new JsonException($"A {type} envelope without '{field}'.");

    private static T Required<T>(T? value, string type, string field)
        where T : struct =>
        value ?? throw new JsonException($"A {type} envelope without '{field}'.");
}
