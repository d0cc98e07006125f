using Herald.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Herald.Auth;

internal sealed partial class TokenKeySource
{
    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.TokenKeysLoaded, EventName = nameof(EventIds.TokenKeysLoaded), Level = LogLevel.Information,
            Message = "Token keys loaded from {Source}: {KeyCount} ({Keys})")]
        public static partial void KeysLoaded(ILogger logger, string source, int keyCount, string keys);

        [LoggerMessage(EventId = EventIds.TokenKeysLoadFailed, EventName = nameof(EventIds.TokenKeysLoadFailed), Level = LogLevel.Warning,
            Message = "Token keys could not be loaded from {Source}: {Problem}; {Consequence}")]
        public static partial void KeysLoadFailed(ILogger logger, string source, string problem, string consequence);

        [LoggerMessage(EventId = EventIds.TokenKeyUnknown, EventName = nameof(EventIds.TokenKeyUnknown), Level = LogLevel.Information,
            Message = "A token needs a key that is not loaded (kid {KeyId}): loading the keys from {Source}")]
        public static partial void UnknownKeyLoading(ILogger logger, string keyId, string source);

        [LoggerMessage(EventId = EventIds.TokenKeySkipped, EventName = nameof(EventIds.TokenKeySkipped), Level = LogLevel.Warning,
            Message = "A key of {Source} is not used: {Key}")]
        public static partial void KeySkipped(ILogger logger, string source, string key);
    }
}
