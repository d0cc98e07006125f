using System.Net.WebSockets;
using Herald.Client.Subscribing;

namespace Herald.Client;

public sealed partial class HeraldSubscriber
{
    /// <summary>
    /// Subscribes to <paramref name="topic"/> (stream <c>topic:&lt;name&gt;</c>) from now on, and after every
    /// reconnect. Completes when the server confirmed it; at once when there is no connection right now (the topic
    /// is then joined with the next login); or when the connection is lost first (likewise).
    /// Subscribing to a topic the subscriber is already on does nothing.
    /// </summary>
    /// <param name="topic">1 to 128 characters of <c>A-Z a-z 0-9 . _ - : /</c>.</param>
    /// <param name="cancellationToken">Cancels the wait; the subscription stays.</param>
    /// <exception cref="ArgumentException">The topic name breaks the protocol's rule.</exception>
    /// <exception cref="HeraldSubscriptionException">
    /// The server refused it (too many topics, not granted by the token, authentication unavailable); the topic is forgotten.
    /// </exception>
    /// <exception cref="HeraldSubscriberClosedException">The subscriber has closed for good.</exception>
    public async Task SubscribeAsync(string topic, CancellationToken cancellationToken = default)
    {
        TopicNames.ThrowIfInvalid(topic, nameof(topic));
        var answer = await SendTopicCommandAsync(topic, subscribe: true, cancellationToken);
        if (answer is not null)
        {
            await answer.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Takes the subscriber off <paramref name="topic"/>, for good: it is not restored after a reconnect, and from now
    /// on no message of it is handed over (messages already buffered still are). Completes when the server confirmed
    /// it, at once when there is no connection, or when the connection is lost first. Unsubscribing from a topic the
    /// subscriber is not on does nothing, as does unsubscribing a closed subscriber.
    /// </summary>
    /// <param name="topic">1 to 128 characters of <c>A-Z a-z 0-9 . _ - : /</c>.</param>
    /// <param name="cancellationToken">Cancels the wait; the subscriber is off the topic all the same.</param>
    /// <exception cref="ArgumentException">The topic name breaks the protocol's rule.</exception>
    public async Task UnsubscribeAsync(string topic, CancellationToken cancellationToken = default)
    {
        TopicNames.ThrowIfInvalid(topic, nameof(topic));
        var answer = await SendTopicCommandAsync(topic, subscribe: false, cancellationToken);
        if (answer is not null)
        {
            await answer.Task.WaitAsync(cancellationToken);
        }
    }

    // Changes the topic set and, when a connection is logged in, sends the command: under the send lock, so that a
    // reconnect's restore sees either the set before the change or the set after it plus the command.
    // Returns what completes with the server's answer, or null when none is awaited.
    private async Task<TaskCompletionSource?> SendTopicCommandAsync(string topic, bool subscribe, CancellationToken cancellationToken)
    {
        var stream = TopicNames.Stream(topic);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            SubscriberConnection? connection;
            byte[] command;
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (subscribe)
                {
                    ObjectDisposedException.ThrowIf(_disposed, this);
                    if (_state.Status == HeraldSubscriberStatus.Closed)
                    {
                        throw new HeraldSubscriberClosedException(_state);
                    }
                }

                if (subscribe ? !_topics.Add(topic) : !_topics.Remove(topic))
                {
                    return null;
                }

                connection = _connection;
                if (!subscribe)
                {
                    _positions.Forget(stream);
                    connection?.Streams.Remove(stream);
                }

                if (connection is null)
                {
                    return null;
                }

                command = subscribe ? ClientEnvelopes.Subscribe(topic, _positions.Get(stream)) : ClientEnvelopes.Unsubscribe(topic);
                connection.Pending.Add(new PendingAnswer(subscribe ? "subscribe" : "unsubscribe", stream, topic, waiter));
            }

            try
            {
                // Not the caller's token: cancelling a WebSocket send aborts the connection.
                await connection.Socket.SendAsync(command, WebSocketMessageType.Text, true, _stopping.Token);
            }
            catch (WebSocketException)
            {
                // The connection broke; its end completes the waiter, and the topic set decides what the next login restores.
            }

            return waiter;
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
