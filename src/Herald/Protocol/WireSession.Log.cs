using Herald.Diagnostics;
using Herald.Streams;
using Microsoft.Extensions.Logging;

namespace Herald.Protocol;

internal abstract partial class WireSession
{
    protected static partial class Log
    {
        [LoggerMessage(EventIds.ConnectionLoggedIn, LogLevel.Information, "Connection {ConnectionId} logged in as user {UserId} from {RemoteAddress}", EventName = "ConnectionLoggedIn", SkipEnabledCheck = true)]
        public static partial void ConnectionLoggedIn(ILogger logger, long connectionId, string userId, string remoteAddress);

        [LoggerMessage(EventIds.ClientMessageIgnored, LogLevel.Debug, "Connection {ConnectionId} of user {UserId}: ignored a {Kind} of {Length} bytes", EventName = "ClientMessageIgnored")]
        public static partial void ClientMessageIgnored(ILogger logger, long connectionId, string userId, string kind, int length);

        [LoggerMessage(EventIds.LoginRejected, LogLevel.Information, "Connection {ConnectionId} from {RemoteAddress}: login refused, {Error}", EventName = "LoginRejected")]
        public static partial void LoginRejected(ILogger logger, long connectionId, string remoteAddress, string error);

        [LoggerMessage(EventIds.LoginTimedOut, LogLevel.Information, "Connection {ConnectionId} from {RemoteAddress} did not log in within {LoginTimeoutSeconds} s", EventName = "LoginTimedOut")]
        public static partial void LoginTimedOut(ILogger logger, long connectionId, string remoteAddress, double loginTimeoutSeconds);

        [LoggerMessage(EventIds.SlowConsumerDisconnected, LogLevel.Warning, "Connection {ConnectionId} of user {UserId} from {RemoteAddress} is too slow: {QueuedMessages} messages ({QueuedBytes} bytes) waiting; disconnecting it and dropping them", EventName = "SlowConsumerDisconnected")]
        public static partial void SlowConsumerDisconnected(ILogger logger, long connectionId, string userId, string remoteAddress, int queuedMessages, int queuedBytes);

        [LoggerMessage(EventIds.CommandRefused, LogLevel.Information, "Connection {ConnectionId} of user {UserId}: refused a {Command} command ({Code}): {Reason}", EventName = "CommandRefused")]
        public static partial void CommandRefused(ILogger logger, long connectionId, string userId, string command, string code, string reason);

        [LoggerMessage(EventIds.RefusalsNotLogged, LogLevel.Information, "Connection {ConnectionId} of user {UserId}: {Count} more refusals not logged (at most {LinesPerMinute} lines a minute per connection)", EventName = "RefusalsNotLogged")]
        public static partial void RefusalsNotLogged(ILogger logger, long connectionId, string userId, long count, int linesPerMinute);

        [LoggerMessage(EventIds.CredentialExpired, LogLevel.Information, "Connection {ConnectionId} of user {UserId}: its credential expired at {ExpiresAt} without a refresh; closing it with 4011", EventName = "CredentialExpired")]
        public static partial void CredentialExpired(ILogger logger, long connectionId, string userId, string expiresAt);

        [LoggerMessage(EventIds.CredentialRefreshed, LogLevel.Debug, "Connection {ConnectionId} of user {UserId}: token refreshed, now expires at {ExpiresAt}", EventName = "CredentialRefreshed")]
        public static partial void CredentialRefreshed(ILogger logger, long connectionId, string userId, string expiresAt);

        [LoggerMessage(EventIds.UserConnectionLimitReached, LogLevel.Information, "Connection {ConnectionId} from {RemoteAddress}: user {UserId} already has {Limit} connections on this node (Herald:MaxConnectionsPerUser); login refused, closing it with 4005", EventName = "UserConnectionLimitReached")]
        public static partial void UserConnectionLimitReached(ILogger logger, long connectionId, string userId, string remoteAddress, int limit);

        [LoggerMessage(EventIds.MessageRateExceeded, LogLevel.Information, "Connection {ConnectionId} of user {UserId} from {RemoteAddress} sent more than {Burst} messages at once or {PerSecond} a second for longer (Herald:ClientMessageBurst, Herald:ClientMessagesPerSecond); closing it with 4006", EventName = "MessageRateExceeded")]
        public static partial void MessageRateExceeded(ILogger logger, long connectionId, string userId, string remoteAddress, int burst, int perSecond);

        [LoggerMessage(EventIds.ResumeIncomplete, LogLevel.Information, "Connection {ConnectionId} of user {UserId} could not fully resume {Stream} from epoch {Epoch} seq {Seq}: {Outcome}; replayed the {Replayed} messages still kept", EventName = "ResumeIncomplete")]
        public static partial void ResumeIncomplete(ILogger logger, long connectionId, string userId, string stream, ResumeOutcome outcome, string epoch, long seq, int replayed);

        [LoggerMessage(EventIds.JoinUnavailable, LogLevel.Debug, "Connection {ConnectionId} of user {UserId} could not join {Stream}: the cluster cannot answer now ({Reason}); closing it with 1013 to come back", EventName = "JoinUnavailable")]
        public static partial void JoinUnavailable(ILogger logger, long connectionId, string userId, string stream, string reason);
    }
}
