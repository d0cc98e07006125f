using Herald.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Herald.Auth;

internal sealed partial class ConnectHookClient
{
    private static partial class Log
    {
        // Debug: the session logs the login or subscribe it refuses; this line adds what the backend said.
        [LoggerMessage(EventIds.ConnectHookRefused, LogLevel.Debug, "Connect hook refused the {Check} check of {Subject}: {Detail}", EventName = "ConnectHookRefused")]
        public static partial void Refused(ILogger logger, string check, string subject, string detail);

        [LoggerMessage(EventIds.ConnectHookFailed, LogLevel.Warning, "Connect hook failed the {Check} check of {Subject} ({Outcome}): {Detail}; the check is unavailable (4013)", EventName = "ConnectHookFailed")]
        public static partial void Failed(ILogger logger, string check, string subject, string outcome, string detail);

        [LoggerMessage(EventIds.ConnectHookBreakerOpened, LogLevel.Warning, "Connect hook circuit breaker opened ({Cause}): the hook is not called for {Duration}, every check is unavailable (4013)", EventName = "ConnectHookBreakerOpened")]
        public static partial void BreakerOpened(ILogger logger, string cause, TimeSpan duration);

        [LoggerMessage(EventIds.ConnectHookBreakerHalfOpen, LogLevel.Information, "Connect hook circuit breaker half-open: {Duration} have passed, a {Check} check is the trial call", EventName = "ConnectHookBreakerHalfOpen")]
        public static partial void BreakerHalfOpen(ILogger logger, TimeSpan duration, string check);

        [LoggerMessage(EventIds.ConnectHookBreakerClosed, LogLevel.Information, "Connect hook circuit breaker closed: the trial call succeeded, checks go to the hook again", EventName = "ConnectHookBreakerClosed")]
        public static partial void BreakerClosed(ILogger logger);

        [LoggerMessage(EventIds.ConnectHookShortCircuited, LogLevel.Debug, "Connect hook not called for the {Check} check of {Subject}: the circuit breaker is open; the check is unavailable (4013)", EventName = "ConnectHookShortCircuited")]
        public static partial void ShortCircuited(ILogger logger, string check, string subject);

        [LoggerMessage(EventIds.ConnectHookAccepted, LogLevel.Debug, "Connect hook accepted the {Check} check of {Subject} as user {UserId}", EventName = "ConnectHookAccepted")]
        public static partial void Accepted(ILogger logger, string check, string subject, string userId);
    }
}
