using Herald.Delivery;
using Herald.Diagnostics;
using Herald.Routing;
using Herald.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Herald.Redis;

/// <summary>
/// The streams this node receives from Redis. With <see cref="HeraldRedisFanout.Routed"/>, the node receives on its
/// own channel the streams its presence counts connections on, from the moment its field is written; with
/// <see cref="HeraldRedisFanout.Subscribed"/>, it subscribes to a stream's channel when its first local subscription
/// joins and unsubscribes when the last one leaves; with <see cref="HeraldRedisFanout.Everything"/> it receives
/// every stream on one channel and keeps only those it watches. Either way each watched stream's messages are put
/// in seq order, gaps repaired from the history (<see cref="WatchedStream"/>), and dispatched to the local
/// subscribers. The broadcast stream is always watched.
/// </summary>
internal sealed partial class StreamChannels(
    RedisConnection redis,
    RedisKeys keys,
    RedisHistoryStore history,
    ClusterPresence presence,
    HeraldRedisOptions options,
    IServiceProvider services,
    ILogger<StreamChannels> logger) : IStreamInterest
{
    private static readonly TimeSpan MinRepairRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRepairRetryDelay = TimeSpan.FromSeconds(5);

    // Every logged-in connection is on it, and the registry has no entry for it: watched from the start.
    private readonly WatchedStream _broadcast = new(StreamId.Broadcast);
    private WatchStarts? _starts;

    // One handler for every stream's channel: a message names its stream, and a handler each would cost two
    // delegates per watched stream.
    private Action<RedisChannel, RedisValue>? _onStreamMessage;
    private Action<StreamMessage>? _dispatchToLocal;

    // Resolved on first use: the dispatcher needs the registry, which needs this class as its stream interest.
    private Dispatcher? _dispatcher;
    private ConnectionRegistry? _registry;

    private Dispatcher Dispatcher => _dispatcher ??= services.GetRequiredService<Dispatcher>();

    private ConnectionRegistry Registry => _registry ??= services.GetRequiredService<ConnectionRegistry>();

    private WatchStarts Starts => _starts ??= new WatchStarts(BaselineAsync, FollowUpAsync);

    private Action<RedisChannel, RedisValue> OnStreamMessage => _onStreamMessage ??= (_, value) => OnMessage(value);

    // Made once: a method group passed on every message would be a delegate each.
    private Action<StreamMessage> DispatchToLocal => _dispatchToLocal ??= message => Dispatcher.Deliver(message);

    /// <summary>Streams watched now, the broadcast stream among them.</summary>
    public int Count => Registry.UserCount + Registry.TopicCount + 1;

    /// <summary>This node's subscriptions on the stream now: its logged-in connections on it (0 when it watches none).</summary>
    public int CountOf(StreamId stream) => Find(stream)?.Interest ?? 0;

    /// <summary>The streams watched now, the broadcast stream among them.</summary>
    public IEnumerable<WatchedStream> Watched => Registry.Streams
        .Select(static subscribers => Volatile.Read(ref subscribers.BackplaneState))
        .OfType<WatchedStream>()
        .Where(static watched => !watched.Retired)
        .Append(_broadcast);

    /// <summary>Subscribes to what every node receives: the broadcast stream, and this node's channel or every stream's.</summary>
    public async Task StartAsync()
    {
        if (options.Fanout == HeraldRedisFanout.Everything)
        {
            await redis.Subscriber.SubscribeAsync(keys.EverythingChannel, OnStreamMessage);
        }

        if (options.Fanout == HeraldRedisFanout.Routed)
        {
            await redis.Subscriber.SubscribeAsync(keys.NodeChannel(redis.NodeId), OnStreamMessage);
        }

        _broadcast.TryAddInterest(Starts.Enqueue);
        await WhenReadyAsync(StreamId.Broadcast);
    }

    public void Added(StreamId stream, StreamSubscribers subscribers)
    {
        ref var state = ref subscribers.BackplaneState;
        while (true)
        {
            var watched = Volatile.Read(ref state) as WatchedStream;
            if (watched is null || watched.Retired)
            {
                // The stream's first subscription on this entry, or the first after the last one left while this
                // one was being added: a new entry of the stream, as a new registry entry would be.
                var fresh = new WatchedStream(stream);
                if (Interlocked.CompareExchange(ref state, fresh, watched) != watched)
                {
                    continue;
                }

                watched = fresh;
            }

            if (watched.TryAddInterest(Starts.Enqueue))
            {
                presence.CountChanged(stream);
                return;
            }
        }
    }

    public void Removed(StreamId stream, StreamSubscribers subscribers)
    {
        if (Volatile.Read(ref subscribers.BackplaneState) is not WatchedStream watched)
        {
            return;
        }

        var retired = watched.RemoveInterest();
        presence.CountChanged(stream);
        if (retired && options.Fanout.UsesStreamChannel(stream))
        {
            _ = UnsubscribeAsync(watched);
        }
    }

    /// <summary>Waits until the node receives the stream, so that a history read after it misses nothing published later.</summary>
    /// <remarks>
    /// A subscription that failed while Redis was away is tried again here, by the join that needs it, as well as by
    /// the reconnect's <see cref="CatchUpAsync"/>: one that failed just after the reconnect would otherwise wait for the next.
    /// </remarks>
    public Task WhenReadyAsync(StreamId stream) => Find(stream)?.RetryIfFailed(Starts.Enqueue) ?? Task.CompletedTask;

    /// <summary>Dispatches this node's own publish at once, rather than when Redis echoes it.</summary>
    public void Offer(StreamMessage message)
    {
        if (Find(message.Stream) is { } watched && watched.Offer(message, DispatchToLocal))
        {
            _ = RepairAsync(watched);
        }
    }

    /// <summary>The stream's entry while this node watches it.</summary>
    public WatchedStream? Find(StreamId stream) => stream.Kind == StreamKind.Broadcast
        ? _broadcast
        : Registry.Find(stream) is { } subscribers ? Volatile.Read(ref subscribers.BackplaneState) as WatchedStream : null;

    /// <summary>
    /// After Redis was away, or this node's presence was missing from it, every watched stream's head is read again,
    /// and each that moved on is repaired: what was published meanwhile is dispatched.
    /// </summary>
    /// <remarks>
    /// First a ping on the subscription connection: the multiplexer resubscribes the channels on it as it comes
    /// back, and the answer to a ping sent after them means they are in force, so no message published after the
    /// head read below can be missed. Without an answer Redis is away again, and its next return catches up.
    /// </remarks>
    public async Task CatchUpAsync()
    {
        try
        {
            await redis.Subscriber.PingAsync();
        }
        catch (Exception exception) when (RedisUnavailable.Is(exception))
        {
            return;
        }

        var baselined = new List<WatchedStream>();
        foreach (var watched in Watched)
        {
            if (watched.Ready.IsFaulted)
            {
                _ = watched.RetryIfFailed(Starts.Enqueue);
            }
            else if (watched.IsBaselined)
            {
                baselined.Add(watched);
            }
        }

        Herald.Streams.StreamPosition[] heads;
        try
        {
            heads = await history.ReadHeadsAsync(baselined.ConvertAll(static watched => watched.Stream));
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // The command connection is not serving yet: each stream's repair reads it, and tries again until it can.
            foreach (var watched in baselined)
            {
                _ = RepairAsync(watched);
            }

            return;
        }

        for (var i = 0; i < baselined.Count; i++)
        {
            if (baselined[i].IsBehind(heads[i]))
            {
                _ = RepairAsync(baselined[i]);
            }
        }
    }

    /// <summary>
    /// Where each stream stood, then (<see cref="FollowUpAsync"/>) the subscription, then what was published in
    /// between: so a message published after this node's first subscriber joined reaches it, even one no later
    /// message would show the gap of.
    /// </summary>
    /// <remarks>
    /// A retry after Redis was away goes on from the position a stream reached (a new baseline would skip what
    /// came in between) and subscribes only where that is what failed. A stream retired while it waited is skipped.
    /// </remarks>
    /// <returns>The streams to read from the history once subscribed.</returns>
    private async Task<HashSet<WatchedStream>> BaselineAsync(List<WatchedStream> batch)
    {
        // A retry: whatever failed, the stream is read from the position it reached.
        var repairs = batch.Where(static watched => !watched.Retired && watched.IsBaselined).ToHashSet();
        var unbaselined = batch.FindAll(static watched => !watched.Retired && !watched.IsBaselined);
        if (options.Fanout == HeraldRedisFanout.Routed && unbaselined.Exists(watched => !options.Fanout.UsesStreamChannel(watched.Stream)))
        {
            // Routed by presence: a message published after this node's field is written comes to this node, so the
            // head is read after it. Presence is written by one loop, in order, so no older removal overtakes the field.
            await presence.FlushAsync(unbaselined.ConvertAll(static watched => watched.Stream));
        }

        var heads = await history.ReadHeadsAsync(unbaselined.ConvertAll(static watched => watched.Stream));
        for (var i = 0; i < unbaselined.Count; i++)
        {
            if (unbaselined[i].SetBaseline(heads[i], DispatchToLocal))
            {
                repairs.Add(unbaselined[i]);
            }
        }

        return repairs;
    }

    private async Task FollowUpAsync(List<WatchedStream> batch, HashSet<WatchedStream> repairs)
    {
        var subscribing = batch.FindAll(watched => !watched.Retired && !watched.Subscribed && options.Fanout.UsesStreamChannel(watched.Stream));
        if (subscribing.Count > 0)
        {
            var subscribes = subscribing.ConvertAll(SubscribeAsync);
            try
            {
                await Task.WhenAll(subscribes);
            }
            finally
            {
                for (var i = 0; i < subscribing.Count; i++)
                {
                    subscribing[i].Subscribed = subscribes[i].IsCompletedSuccessfully;
                }
            }

            // What was published between the head read and the subscription came on no channel: where a head moved
            // on meanwhile, the stream is read from the history.
            var after = await history.ReadHeadsAsync(subscribing.ConvertAll(static watched => watched.Stream));
            for (var i = 0; i < subscribing.Count; i++)
            {
                if (subscribing[i].IsBehind(after[i]))
                {
                    repairs.Add(subscribing[i]);
                }
            }
        }

        await Task.WhenAll(repairs.Select(RepairAsync));
    }

    /// <summary>Not async on the usual path (a first subscribe): one state machine fewer per stream a burst of logins starts.</summary>
    private Task SubscribeAsync(WatchedStream watched)
    {
        var channel = keys.StreamChannel(watched.Stream);
        if (watched.HandlerAdded)
        {
            return ResubscribeAsync(channel);
        }

        watched.HandlerAdded = true;
        return redis.Subscriber.SubscribeAsync(channel, OnStreamMessage);
    }

    /// <summary>
    /// A subscribe that failed left the handler with the multiplexer: it is taken back before it is given again, so
    /// that the entry holds it once, and the subscribe is sent to Redis anew.
    /// </summary>
    private async Task ResubscribeAsync(RedisChannel channel)
    {
        await TryUnsubscribeAsync(channel);
        await redis.Subscriber.SubscribeAsync(channel, OnStreamMessage);
    }

    private async Task UnsubscribeAsync(WatchedStream watched)
    {
        // Retired, so no retry replaces Ready any more: once it is done, the entry's handler is added or never will be.
        await watched.Ready.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (watched.HandlerAdded)
        {
            await TryUnsubscribeAsync(keys.StreamChannel(watched.Stream));
        }
    }

    private async Task TryUnsubscribeAsync(RedisChannel channel)
    {
        try
        {
            // The shared handler is taken once: a newer entry of the same stream that added it too keeps its own.
            await redis.Subscriber.UnsubscribeAsync(channel, OnStreamMessage);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Redis is away; the multiplexer resubscribes only the channels still subscribed when it is back.
        }
    }

    private void OnMessage(RedisValue value)
    {
        var message = StreamPayload.Read(((ReadOnlyMemory<byte>)value).Span);
        if (message is null)
        {
            Log.PayloadIgnored(logger, ((ReadOnlyMemory<byte>)value).Length);
            return;
        }

        Offer(message);
    }

    private async Task RepairAsync(WatchedStream watched)
    {
        var retryDelay = MinRepairRetryDelay;
        while (watched.StartRepair() is { } position)
        {
            HistoryRead read;
            try
            {
                // Bounded here too: a read that neither answers nor times out would hold the stream's messages for good.
                read = await history.ReadAsync(watched.Stream, position).AsTask().WaitAsync(options.CommandTimeout);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                // Redis is away or not answering yet (a reconnect may come before it serves again): what is held waits,
                // and the repair is tried again until it succeeds or the stream is no longer watched.
                watched.AbandonRepair();
                if (retryDelay == MinRepairRetryDelay)
                {
                    // Once per stream and outage, not once per try.
                    Log.RepairFailed(logger, exception, LogText.Escape(watched.Stream.Name)!);
                }

                await Task.Delay(retryDelay);
                retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, MaxRepairRetryDelay.Ticks));
                if (watched.Retired)
                {
                    return;
                }

                continue;
            }

            var (_, again) = watched.CompleteRepair(read, DispatchToLocal, () =>
            {
                var closed = Dispatcher.RequestResume(watched.Stream);
                Log.GapNotCovered(logger, LogText.Escape(watched.Stream.Name)!, position.Epoch ?? "-", position.Seq, read.Head.Epoch ?? "-", read.Head.Seq, closed);
            });

            if (!again)
            {
                return;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(RedisEventIds.RedisPayloadIgnored, LogLevel.Warning, "A message of {Bytes} bytes on a Herald channel was not a Herald message: ignored", EventName = nameof(RedisEventIds.RedisPayloadIgnored))]
        public static partial void PayloadIgnored(ILogger logger, int bytes);

        [LoggerMessage(RedisEventIds.RedisRepairFailed, LogLevel.Warning, "Stream {Stream} missed messages and could not be read from Redis now; the read is tried again until Redis answers", EventName = nameof(RedisEventIds.RedisRepairFailed))]
        public static partial void RepairFailed(ILogger logger, Exception exception, string stream);

        [LoggerMessage(RedisEventIds.RedisGapNotCovered, LogLevel.Warning, "Stream {Stream} missed messages after {Epoch}/{Seq} that the history no longer holds (it is at {HeadEpoch}/{HeadSeq}): {Connections} herald.v1 connections here closed with 4007 to resume", EventName = nameof(RedisEventIds.RedisGapNotCovered))]
        public static partial void GapNotCovered(ILogger logger, string stream, string epoch, long seq, string headEpoch, long headSeq, int connections);
    }
}
