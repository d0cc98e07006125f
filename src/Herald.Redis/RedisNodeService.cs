using Herald.Delivery;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Herald.Redis;

/// <summary>
/// Joins this node to the cluster at start: connects to Redis (without waiting for it: a node serves its own
/// connections while Redis is away), subscribes to the control channel and the always-watched streams, and after
/// every reconnect reads the watched streams again, so that what was published meanwhile reaches this node, and
/// rewrites its presence; the same after the multiplexer moved to other servers (a Sentinel failover, a Redis
/// Cluster slot moving), which can happen with no connection of this node lost. Starts the presence writes and the
/// heartbeats, and at a graceful stop removes both.
/// </summary>
internal sealed partial class RedisNodeService(
    RedisConnection redis,
    RedisKeys keys,
    StreamChannels channels,
    ClusterPresence presence,
    NodeHeartbeat heartbeat,
    Dispatcher dispatcher,
    ILogger<RedisNodeService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var multiplexer = redis.Multiplexer;
        multiplexer.ConnectionFailed += OnConnectionFailed;
        multiplexer.ConnectionRestored += OnConnectionRestored;
        multiplexer.ConfigurationChanged += OnConfigurationChanged;
        presence.Start();
        heartbeat.Start();
        try
        {
            await redis.Subscriber.SubscribeAsync(keys.ControlChannel, (_, value) => OnControl(value));
            await channels.StartAsync();
            // The endpoints only: the configuration string may hold a password.
            Log.Connected(logger, redis.NodeId, string.Join(",", multiplexer.GetEndPoints().Select(static endpoint => endpoint.ToString())));
            if (redis.TooOld is { } old)
            {
                Log.TooOld(logger, old.Version.ToString(), old.EndPoint.ToString() ?? "-", RedisConnection.MinimumVersion.ToString());
            }
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // The multiplexer keeps trying; its reconnect subscribes what did not come about now.
            Log.ConnectionLost(logger, exception, redis.NodeId, "start");
        }
    }

    /// <summary>A graceful stop: this node's presence and heartbeat leave Redis at once, rather than after NodeTimeout.</summary>
    public async Task StopAsync(CancellationToken cancellationToken) => await heartbeat.DisposeAsync();

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs failure)
    {
        if (failure.ConnectionType == ConnectionType.Subscription)
        {
            Log.ConnectionLost(logger, failure.Exception, redis.NodeId, failure.FailureType.ToString());
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs restored)
    {
        if (restored.ConnectionType == ConnectionType.Interactive)
        {
            // What this node wrote while Redis was away was lost: its own counts are the truth.
            presence.RewriteAll("Redis reconnected");
        }

        if (restored.ConnectionType == ConnectionType.Subscription)
        {
            Log.ConnectionRestored(logger, redis.NodeId, channels.Count);
        }

        // Either connection: a repair that failed because the command connection was still away is done again
        // when it is back, rather than waiting for a message to show the gap.
        _ = channels.CatchUpAsync();
    }

    /// <summary>
    /// The multiplexer re-read which servers are primaries and moved its subscriptions to them (it does so before
    /// this event). Between the old server's end and the move, what was published on a channel of this node reached
    /// no one, and writes the old primary had not passed to its replica (presence among them) are gone.
    /// </summary>
    private void OnConfigurationChanged(object? sender, EndPointEventArgs changed)
    {
        Log.TopologyChanged(logger, redis.NodeId, changed.EndPoint.ToString() ?? "-");
        presence.RewriteAll("Redis's servers changed");
        _ = channels.CatchUpAsync();
    }

    private void OnControl(RedisValue value)
    {
        if (ControlMessage.Read(((ReadOnlyMemory<byte>)value).Span) is { } command && command.Sender != redis.NodeId)
        {
            dispatcher.DisconnectUser(command.UserId, command.Reason);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(RedisEventIds.RedisTooOld, LogLevel.Error, "Redis {Version} at {Endpoint} is older than {Minimum}, which Herald needs (sharded pub/sub): publishes fail and the node reports not ready", EventName = nameof(RedisEventIds.RedisTooOld))]
        public static partial void TooOld(ILogger logger, string version, string endpoint, string minimum);

        [LoggerMessage(RedisEventIds.RedisTopologyChanged, LogLevel.Information, "Node {Node} found Redis's servers changed (about {Endpoint}): reading its watched streams again and rewriting its presence", EventName = nameof(RedisEventIds.RedisTopologyChanged))]
        public static partial void TopologyChanged(ILogger logger, string node, string endpoint);

        [LoggerMessage(RedisEventIds.RedisConnected, LogLevel.Information, "Node {Node} joined the cluster through Redis at {Endpoints}", EventName = nameof(RedisEventIds.RedisConnected))]
        public static partial void Connected(ILogger logger, string node, string endpoints);

        [LoggerMessage(RedisEventIds.RedisConnectionLost, LogLevel.Warning, "Node {Node} lost Redis ({Failure}): it serves its own connections, refuses publishes with 503 and reports not ready until Redis is back", EventName = nameof(RedisEventIds.RedisConnectionLost))]
        public static partial void ConnectionLost(ILogger logger, Exception? exception, string node, string failure);

        [LoggerMessage(RedisEventIds.RedisConnectionRestored, LogLevel.Information, "Node {Node} is back on Redis: reading its {Streams} watched streams again", EventName = nameof(RedisEventIds.RedisConnectionRestored))]
        public static partial void ConnectionRestored(ILogger logger, string node, int streams);
    }
}
