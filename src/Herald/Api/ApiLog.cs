using Microsoft.Extensions.Logging;

namespace Herald.Api;

/// <summary>The log events every publish endpoint shares, so each keeps one event id.</summary>
internal static partial class ApiLog
{
    [LoggerMessage(Diagnostics.EventIds.PublishRejected, LogLevel.Information, "Publish refused: {Parameter} is invalid, {Error}", EventName = "PublishRejected")]
    public static partial void PublishRejected(ILogger logger, string parameter, string error);
}
