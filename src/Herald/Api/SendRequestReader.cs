using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Herald.Api;

/// <summary>
/// Reads <c>uid</c> and <c>message</c> for <c>/send</c> from wherever the caller put them: the query string
/// (GET or POST), a form body, or a JSON body. A field in the body wins over the same field in the query.
/// </summary>
internal static class SendRequestReader
{
    public static async ValueTask<(string? Uid, string? Message, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (uid, message) = ReadQuery(request.QueryString.Value);
        if (!HttpMethods.IsPost(request.Method) || !HasBody(request))
        {
            return (uid, message, null);
        }

        try
        {
            if (request.HasJsonContentType())
            {
                var body = await JsonSerializer.DeserializeAsync(request.Body, ApiJsonContext.Default.SendRequestBody, cancellationToken);
                return (body?.Uid ?? uid, body?.Message ?? message, null);
            }

            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(cancellationToken);
                return (NullIfAbsent(form["uid"]) ?? uid, NullIfAbsent(form["message"]) ?? message, null);
            }
        }
        catch (JsonException exception)
        {
            return (null, null, Problems.Status(StatusCodes.Status400BadRequest, "Invalid JSON body", $"The request body is not valid JSON for {{\"uid\": string, \"message\": string}}: {exception.Message}"));
        }
        catch (BadHttpRequestException exception)
        {
            return (null, null, Problems.Status(exception.StatusCode, "Unreadable request body", exception.Message));
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The form readers throw these for a body that breaks its own content type (a multipart body without its boundary, say).
            return (null, null, Problems.Status(StatusCodes.Status400BadRequest, "Invalid form body", $"The form body could not be read: {exception.Message}"));
        }

        return (null, null, Problems.Status(
            StatusCodes.Status415UnsupportedMediaType,
            "Unsupported content type",
            $"Content type '{request.ContentType}' is not accepted: send application/json, application/x-www-form-urlencoded or multipart/form-data, or put uid and message in the query string."));
    }

    /// <summary>
    /// The first <c>uid</c> and <c>message</c> of <paramref name="query"/> (with its leading <c>'?'</c>, or null),
    /// read without building the query collection: the seed's GET is the hottest request of the API.
    /// </summary>
    public static (string? Uid, string? Message) ReadQuery(string? query)
    {
        string? uid = null;
        string? message = null;
        foreach (var pair in new QueryStringEnumerable(query))
        {
            var name = pair.EncodedName.Span;
            if (uid is null && name.SequenceEqual("uid"))
            {
                uid = pair.DecodeValue().ToString();
            }
            else if (message is null && name.SequenceEqual("message"))
            {
                message = pair.DecodeValue().ToString();
            }
        }

        return (uid, message);
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static string? NullIfAbsent(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Count == 0 ? null : values.ToString();
}
