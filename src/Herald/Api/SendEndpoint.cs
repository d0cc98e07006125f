using System.Globalization;
using System.IO.Pipelines;
using Herald.Delivery;
using Herald.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Herald.Api;

/// <summary>
/// <c>GET|POST /send?uid=&amp;message=</c>, the seed's publish call: the message goes as a raw text frame to every
/// connection of the user, and the answer says how many that was.
/// </summary>
internal sealed class SendEndpoint(Publisher publisher, HeraldOptions options, ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger(LogCategories.Send);

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

        int delivered;
        try
        {
            delivered = await publisher.SendToUserAsync(uid!, message!, context.RequestAborted);
        }
        catch (BackplaneUnavailableException unavailable)
        {
            await Problems.WriteUnavailableAsync(context, unavailable, Problems.PublishUnavailableDetail(unavailable));
            return;
        }

        await WriteDeliveredAsync(context.Response, delivered);
    }

    /// <summary>The longest answer <see cref="WriteDelivered"/> writes.</summary>
    public const int MaxDeliveredLength = 26;

    /// <summary>The answer's content type.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>Writes <c>{"delivered":n}</c>, the hottest answer of the API, without a serializer.</summary>
    /// <returns>Its length.</returns>
    public static int WriteDelivered(Span<byte> body, int delivered)
    {
        var prefix = "{\"delivered\":"u8;
        prefix.CopyTo(body);
        delivered.TryFormat(body[prefix.Length..], out var digits, provider: CultureInfo.InvariantCulture);
        var length = prefix.Length + digits;
        body[length++] = (byte)'}';
        return length;
    }

    private static ValueTask<FlushResult> WriteDeliveredAsync(HttpResponse response, int delivered)
    {
        var length = WriteDelivered(response.BodyWriter.GetSpan(MaxDeliveredLength), delivered);
        response.ContentType = ContentType;
        response.ContentLength = length;
        response.BodyWriter.Advance(length);
        return response.BodyWriter.FlushAsync();
    }

    private IResult? Validate(string? uid, string? message)
    {
        if (publisher.ValidateUserId(uid) is { } uidError)
        {
            ApiLog.PublishRejected(_logger, "uid", LogText.Escape(uidError));
            return Problems.InvalidParameter("uid", uidError);
        }

        if (publisher.ValidateMessage(message) is { } messageError)
        {
            ApiLog.PublishRejected(_logger, "message", LogText.Escape(messageError));
            return Problems.InvalidParameter("message", messageError);
        }

        return null;
    }
}
