using Microsoft.Extensions.Logging;

namespace Herald.Api;

/// <summary>The log events every publish endpoint shares, so each keeps one event id.</summary>
internal static partial class ApiLog
{
    [LoggerMessage(Diagnostics.EventIds.PublishRejected, LogLevel.Information, "Publish refused: {Parameter} is invalid, {Error}", EventName = "PublishRejected")]
    public static partial void PublishRejected(ILogger logger, string parameter, string error);

    [LoggerMessage(Diagnostics.EventIds.BatchItemsRefused, LogLevel.Information, "Batch published in part: {Refused} of {Count} messages refused; the first, messages[{Index}]: {Error}", EventName = "BatchItemsRefused")]
    public static partial void BatchItemsRefused(ILogger logger, int refused, int count, int index, string error);
}
