using Herald.Delivery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Herald.Api;

/// <summary>
/// <c>GET|POST /send?uid=&amp;message=</c>, the seed's publish call: the message goes as a raw text frame to every
/// connection of the user, and the answer says how many that was.
/// </summary>
internal sealed partial class SendEndpoint(Publisher publisher, HeraldOptions options, ILogger<SendEndpoint> logger)
{
    // Room for the message escaped as JSON or form data (up to 3 bytes per byte), the uid and the field names.
    private readonly long _maxBodyBytes = (4L * options.MaxMessageBytes) + (64 * 1024);

    public async Task HandleAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = _maxBodyBytes;
        }

        var (uid, message, problem) = await SendRequestReader.ReadAsync(context.Request, context.RequestAborted);
        problem ??= Validate(uid, message);
        if (problem is not null)
        {
            await problem.ExecuteAsync(context);
            return;
        }

        var delivered = await publisher.SendToUserAsync(uid!, message!, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(new SendResponse(delivered), ApiJsonContext.Default.SendResponse, cancellationToken: context.RequestAborted);
    }

    private IResult? Validate(string? uid, string? message)
    {
        if (publisher.ValidateUserId(uid) is { } uidError)
        {
            Log.PublishRejected(logger, "uid", uidError);
            return Problems.InvalidParameter("uid", uidError);
        }

        if (publisher.ValidateMessage(message) is { } messageError)
        {
            Log.PublishRejected(logger, "message", messageError);
            return Problems.InvalidParameter("message", messageError);
        }

        return null;
    }

    private static partial class Log
    {
        [LoggerMessage(Diagnostics.EventIds.PublishRejected, LogLevel.Information, "Publish refused: {Parameter} is invalid, {Error}", EventName = "PublishRejected")]
        public static partial void PublishRejected(ILogger logger, string parameter, string error);
    }
}
