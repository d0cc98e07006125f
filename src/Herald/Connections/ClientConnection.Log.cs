using Herald.Diagnostics;
using Herald.Streams;
using Microsoft.Extensions.Logging;

namespace Herald.Connections;

internal sealed partial class ClientConnection
{
    private static partial class Log
    {
        [LoggerMessage(EventIds.ConnectionOpened, LogLevel.Debug, "Connection {ConnectionId} opened from {RemoteAddress}", EventName = "ConnectionOpened")]
        public static partial void ConnectionOpened(ILogger logger, long connectionId, string remoteAddress);

        [LoggerMessage(EventIds.ConnectionLoggedIn, LogLevel.Information, "Connection {ConnectionId} logged in as user {UserId} from {RemoteAddress}", EventName = "ConnectionLoggedIn")]
        public static partial void ConnectionLoggedIn(ILogger logger, long connectionId, string userId, string remoteAddress);

        [LoggerMessage(EventIds.ConnectionClosed, LogLevel.Information, "Connection {ConnectionId} of user {UserId} from {RemoteAddress} ended: {Reason}; open {DurationSeconds:0.###} s, {DroppedMessages} queued messages dropped", EventName = "ConnectionClosed")]
        public static partial void ConnectionClosed(ILogger logger, long connectionId, string userId, string remoteAddress, string reason, double durationSeconds, int droppedMessages);

        [LoggerMessage(EventIds.ClientMessageIgnored, LogLevel.Debug, "Connection {ConnectionId} of user {UserId}: ignored a {Kind} of {Length} bytes", EventName = "ClientMessageIgnored")]
        public static partial void ClientMessageIgnored(ILogger logger, long connectionId, string userId, string kind, int length);

        [LoggerMessage(EventIds.LoginRejected, LogLevel.Information, "Connection {ConnectionId} from {RemoteAddress}: login refused, {Error}", EventName = "LoginRejected")]
        public static partial void LoginRejected(ILogger logger, long connectionId, string remoteAddress, string error);

        [LoggerMessage(EventIds.LoginTimedOut, LogLevel.Information, "Connection {ConnectionId} from {RemoteAddress} did not log in within {LoginTimeoutSeconds} s", EventName = "LoginTimedOut")]
        public static partial void LoginTimedOut(ILogger logger, long connectionId, string remoteAddress, double loginTimeoutSeconds);

        [LoggerMessage(EventIds.ClientMessageTooLarge, LogLevel.Information, "Connection {ConnectionId} of user {UserId} from {RemoteAddress} sent a message over {Limit} bytes", EventName = "ClientMessageTooLarge")]
        public static partial void ClientMessageTooLarge(ILogger logger, long connectionId, string userId, string remoteAddress, int limit);

        [LoggerMessage(EventIds.SlowConsumerDisconnected, LogLevel.Warning, "Connection {ConnectionId} of user {UserId} from {RemoteAddress} is too slow: {QueuedMessages} messages ({QueuedBytes} bytes) waiting; disconnecting it and dropping them", EventName = "SlowConsumerDisconnected")]
        public static partial void SlowConsumerDisconnected(ILogger logger, long connectionId, string userId, string remoteAddress, int queuedMessages, int queuedBytes);

        [LoggerMessage(EventIds.ProtocolViolation, LogLevel.Information, "Connection {ConnectionId} of user {UserId} from {RemoteAddress} broke the WebSocket protocol; closing with {CloseCode}: {Reason}", EventName = "ProtocolViolation")]
        public static partial void ProtocolViolation(ILogger logger, long connectionId, string userId, string remoteAddress, int closeCode, string reason);

        [LoggerMessage(EventIds.ConnectionFailed, LogLevel.Error, "Connection {ConnectionId} of user {UserId} from {RemoteAddress} failed unexpectedly", EventName = "ConnectionFailed")]
        public static partial void ConnectionFailed(ILogger logger, Exception exception, long connectionId, string userId, string remoteAddress);
    
        [LoggerMessage(EventIds.CommandRefused, LogLevel.Information, "Connection {ConnectionId} of user {UserId}: refused a {Command} command ({Code}): {Reason}", EventName = "CommandRefused")]
        public static partial void CommandRefused(ILogger logger, long connectionId, string userId, string command, string code, string reason);

        [LoggerMessage(EventIds.ResumeIncomplete, LogLevel.Information, "Connection {ConnectionId} of user {UserId} could not fully resume {Stream} from epoch {Epoch} seq {Seq}: {Outcome}; replayed the {Replayed} messages still kept", EventName = "ResumeIncomplete")]
        public static partial void ResumeIncomplete(ILogger logger, long connectionId, string userId, string stream, ResumeOutcome outcome, string epoch, long seq, int replayed);
    }
}
