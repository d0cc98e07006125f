using Herald.Delivery;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Herald.Redis;

/// <summary>
/// Joins this node to the cluster at start: connects to Redis (without waiting for it: a node serves its own
/// connections while Redis is away), subscribes to the control channel and the always-watched streams, and after
/// every reconnect reads the watched streams again, so that what was published meanwhile reaches this node.
/// </summary>
internal sealed partial class RedisNodeService(
    RedisConnection redis,
    RedisKeys keys,
    StreamChannels channels,
    Dispatcher dispatcher,
    ILogger<RedisNodeService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var multiplexer = redis.Multiplexer;
        multiplexer.ConnectionFailed += OnConnectionFailed;
        multiplexer.ConnectionRestored += OnConnectionRestored;
        try
        {
            await redis.Subscriber.SubscribeAsync(keys.ControlChannel, (_, value) => OnControl(value));
            await channels.StartAsync();
            Log.Connected(logger, redis.NodeId, ConfigurationOptions.Parse(multiplexer.Configuration).ToString(includePassword: false));
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // The multiplexer keeps trying; its reconnect subscribes what did not come about now.
            Log.ConnectionLost(logger, exception, redis.NodeId, "start");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs failure)
    {
        if (failure.ConnectionType == ConnectionType.Subscription)
        {
            Log.ConnectionLost(logger, failure.Exception, redis.NodeId, failure.FailureType.ToString());
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs restored)
    {
        if (restored.ConnectionType == ConnectionType.Subscription)
        {
            Log.ConnectionRestored(logger, redis.NodeId, channels.Count);
        }

        // Either connection: a repair that failed because the command connection was still away is done again
        // when it is back, rather than waiting for a message to show the gap.
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
        [LoggerMessage(RedisEventIds.Connected, LogLevel.Information, "Node {Node} joined the cluster through Redis at {Configuration}", EventName = "RedisConnected")]
        public static partial void Connected(ILogger logger, string node, string configuration);

        [LoggerMessage(RedisEventIds.ConnectionLost, LogLevel.Warning, "Node {Node} lost Redis ({Failure}): it serves its own connections, refuses publishes with 503 and reports not ready until Redis is back", EventName = "RedisConnectionLost")]
        public static partial void ConnectionLost(ILogger logger, Exception? exception, string node, string failure);

        [LoggerMessage(RedisEventIds.ConnectionRestored, LogLevel.Information, "Node {Node} is back on Redis: reading its {Streams} watched streams again", EventName = "RedisConnectionRestored")]
        public static partial void ConnectionRestored(ILogger logger, string node, int streams);
    }
}
