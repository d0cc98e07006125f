using System.Text;
using Herald.Diagnostics;
using Herald.Streams;

namespace Herald.Delivery;

/// <summary>
/// Where every publish enters the delivery path, whatever API it came from: makes the message once, hands it to
/// the backplane for each of its streams (which gives it its seq there and delivers it), and counts it.
/// </summary>
internal sealed class Publisher(
    IBackplane backplane,
    IIdempotencyStore idempotency,
    MessageIdGenerator ids,
    PublicationRules rules,
    HubCounters counters,
    HeraldOptions options,
    TimeProvider timeProvider)
{
    /// <returns>Null when the message may be sent, else the reason it may not, naming the parameter.</returns>
    public string? ValidateMessage(string? message)
    {
        if (string.IsNullOrEmpty(message))
        {
            return "message is required and must not be empty";
        }

        // Cheap bound first: UTF-8 never takes more than 3 bytes per UTF-16 char.
        if (message.Length * 3L <= options.MaxMessageBytes)
        {
            return null;
        }

        return rules.ValidateSize(Encoding.UTF8.GetByteCount(message), "message");
    }

    public string? ValidateUserId(string? userId) => UserIdRules.Validate(userId, options.MaxUserIdLength);

    /// <summary>The seed's send: <paramref name="message"/>, already validated, as text to the user's stream.</summary>
    /// <returns>How many connections it was queued for.</returns>
    public async ValueTask<int> SendToUserAsync(string userId, string message, CancellationToken cancellationToken)
    {
        var published = PublishedMessage.Create(ids, timeProvider, MessageContent.Text(message), key: null);
        var delivery = await backplane.PublishAsync(StreamId.ForUser(userId), published, cancellationToken);
        counters.MessagePublished(delivery.Delivered);
        return delivery.Delivered;
    }

    /// <summary>Publishes to every stream of the publication, once per idempotency key.</summary>
    public ValueTask<IdempotentOutcome> PublishAsync(Publication publication, CancellationToken cancellationToken) =>
        publication.IdempotencyKey is null
            ? WithoutKeyAsync(publication, cancellationToken)
            : idempotency.PublishOnceAsync(publication, PublishNowAsync, cancellationToken);

    private async ValueTask<IdempotentOutcome> WithoutKeyAsync(Publication publication, CancellationToken cancellationToken) =>
        new(await PublishNowAsync(publication, cancellationToken), null);

    private async ValueTask<HeraldPublishResult> PublishNowAsync(Publication publication, CancellationToken cancellationToken)
    {
        var published = PublishedMessage.Create(ids, timeProvider, publication.Content, publication.Key, publication.IdempotencyKey);
        var streams = new HeraldStreamResult[publication.Streams.Count];
        var delivered = 0;
        for (var i = 0; i < streams.Length; i++)
        {
            // Once the first stream has the message, the rest must too: a cancelled caller does not split a publish.
            var delivery = await backplane.PublishAsync(publication.Streams[i], published, i == 0 ? cancellationToken : CancellationToken.None);

            // A stream that had this retry's message already (an earlier try's reply was lost) gave it that try's ID:
            // the streams still to come get the same one.
            published = published.WithId(delivery.Message.Message.Uuid);
            counters.MessagePublished(delivery.Delivered);
            streams[i] = new HeraldStreamResult(delivery.Message.Stream.Name, delivery.Message.Epoch, delivery.Message.Seq, delivery.Delivered);
            delivered += delivery.Delivered;
        }

        return new HeraldPublishResult(published.Id, delivered, streams);
    }
}
