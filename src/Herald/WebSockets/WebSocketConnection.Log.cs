using Herald.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Herald.WebSockets;

internal sealed partial class WebSocketConnection
{
    private static partial class Log
    {
        [LoggerMessage(EventIds.ConnectionOpened, LogLevel.Debug, "Connection {ConnectionId} opened from {RemoteAddress} over {Scheme}", EventName = "ConnectionOpened", SkipEnabledCheck = true)]
        public static partial void ConnectionOpened(ILogger logger, long connectionId, string remoteAddress, string scheme);

        [LoggerMessage(EventIds.ConnectionClosed, LogLevel.Information, "Connection {ConnectionId} of user {UserId} from {RemoteAddress} ended: {Reason}; open {DurationSeconds:0.###} s, {DroppedMessages} queued messages dropped", EventName = "ConnectionClosed", SkipEnabledCheck = true)]
        public static partial void ConnectionClosed(ILogger logger, long connectionId, string userId, string remoteAddress, string reason, double durationSeconds, int droppedMessages);

        [LoggerMessage(EventIds.ClientMessageTooLarge, LogLevel.Information, "Connection {ConnectionId} of user {UserId} from {RemoteAddress} sent a message over {Limit} bytes", EventName = "ClientMessageTooLarge")]
        public static partial void ClientMessageTooLarge(ILogger logger, long connectionId, string userId, string remoteAddress, int limit);

        [LoggerMessage(EventIds.ProtocolViolation, LogLevel.Information, "Connection {ConnectionId} of user {UserId} from {RemoteAddress} broke the WebSocket protocol; closing with {CloseCode}: {Reason}", EventName = "ProtocolViolation")]
        public static partial void ProtocolViolation(ILogger logger, long connectionId, string userId, string remoteAddress, int closeCode, string reason);

        [LoggerMessage(EventIds.ConnectionFailed, LogLevel.Error, "Connection {ConnectionId} of user {UserId} from {RemoteAddress} failed unexpectedly", EventName = "ConnectionFailed")]
        public static partial void ConnectionFailed(ILogger logger, Exception exception, long connectionId, string userId, string remoteAddress);
    }
}
