using System.Globalization;
using Herald.Delivery;
using Herald.Routing;
using Herald.Streams;
using StackExchange.Redis;

namespace Herald.Redis;

/// <summary>
/// The backplane of several nodes: a publish is one script in Redis per stream (<see cref="PublishScript"/>), which
/// gives the message its seq, keeps it and sends it to the nodes; this node dispatches its own publish at once.
/// </summary>
internal sealed class RedisBackplane(
    RedisConnection redis,
    RedisKeys keys,
    StreamChannels channels,
    ClusterPresence presence,
    ClusterNodes nodes,
    ConnectionRegistry registry,
    Dispatcher dispatcher,
    HeraldRedisOptions redisOptions,
    HeraldOptions options) : IBackplane
{
    private readonly string _historyLimit = options.HistoryMaxMessages.ToString(CultureInfo.InvariantCulture);
    private readonly string _ageWindow = ((long)options.HistoryMaxAge.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
    private readonly string _idempotencyWindow = ((long)options.IdempotencyWindow.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    public async ValueTask<StreamDelivery> PublishAsync(StreamId stream, PublishedMessage message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (channel, publishing) = redisOptions.Fanout.UsesStreamChannel(stream) ? (keys.StreamChannelName(stream), "1")
            : redisOptions.Fanout == HeraldRedisFanout.Routed ? (keys.NodeChannelPrefix, "2")
            : (keys.EverythingChannelName, "0");
        RedisResult[] reply;
        try
        {
            reply = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(
                PublishScript.Text,
                [keys.Meta(stream), keys.History(stream), keys.Presence(stream), keys.StreamIdempotency(stream)],
                [
                    StreamEpoch.New(),
                    StreamPayload.Header(stream, message.Time),
                    RetainedRecord.ToArray(message),
                    message.Time.UtcTicks,
                    _historyLimit,
                    _ageWindow,
                    channel,
                    publishing,
                    message.IdempotencyKey ?? string.Empty,
                    message.Id,
                    _idempotencyWindow,
                ]))!;
        }
        catch (Exception exception) when (RedisUnavailable.Is(exception))
        {
            // Sent and unanswered, the script may have run: a retry with the same idempotency key finds its message.
            throw RedisUnavailable.From(exception, redisOptions);
        }

        // The broadcast stream has no presence hash (every login would rewrite it): its reach is every logged-in
        // connection, this node's now and the others' as of their last heartbeats.
        var delivered = stream.Kind == StreamKind.Broadcast ? registry.LoggedInCount + nodes.BroadcastElsewhere : (int)reply[2];
        if (reply.Length > 3)
        {
            // A retry: the stream had this key's message from an earlier try, which is what the caller is answered.
            var earlier = new StreamMessage(stream, (string)reply[0]!, (long)reply[1], message.WithId(Guid.ParseExact((string)reply[3]!, "N")));
            return new StreamDelivery(earlier, delivered);
        }

        var published = new StreamMessage(stream, (string)reply[0]!, (long)reply[1], message);
        channels.Offer(published);
        return new StreamDelivery(published, delivered);
    }

    /// <summary>
    /// Closes the user's connections on this node at once, and tells the other nodes to close theirs. The count is
    /// this node's closed connections and what the cluster's presence says the other live nodes hold.
    /// </summary>
    public async ValueTask<int> DisconnectUserAsync(string userId, string reason, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int elsewhere;
        try
        {
            var counts = await presence.LiveCountsAsync(StreamId.ForUser(userId));
            elsewhere = counts.Where(count => count.Key != redis.NodeId).Sum(static count => count.Value);
        }
        catch (Exception exception) when (RedisUnavailable.Is(exception))
        {
            // Refused before anything is closed: the caller retries the whole disconnect, not half of it.
            throw RedisUnavailable.From(exception, redisOptions);
        }

        var here = dispatcher.DisconnectUser(userId, reason);
        try
        {
            await redis.Subscriber.PublishAsync(keys.ControlChannel, new ControlMessage(redis.NodeId, userId, reason).ToBytes());
        }
        catch (Exception exception) when (RedisUnavailable.Is(exception))
        {
            // This node's connections are closed; the other nodes' may not be, so the caller must retry.
            throw RedisUnavailable.From(exception, redisOptions);
        }

        return here + elsewhere;
    }
}
