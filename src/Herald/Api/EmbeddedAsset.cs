using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Herald.Api;

/// <summary>
/// A file embedded in Herald's assembly at build time (the browser client, the demo page), served with a strong
/// ETag from its content and answered 304 while a cached copy is current. Callers add their own headers first.
/// </summary>
internal sealed class EmbeddedAsset
{
    // Revalidated on every load rather than cached for a time: the paths are stable across upgrades, and a page must
    // never run an old client or page against a new server; the 304 makes the revalidation cost one small round trip.
    private const string CacheControl = "no-cache";

    private readonly byte[] _bytes;
    private readonly string _contentType;
    private readonly EntityTagHeaderValue _etag;

    private EmbeddedAsset(byte[] bytes, string contentType, EntityTagHeaderValue etag)
    {
        _bytes = bytes;
        _contentType = contentType;
        _etag = etag;
    }

    public static EmbeddedAsset Load(string resource, string contentType)
    {
        using var stream = typeof(EmbeddedAsset).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded resource {resource} is missing from Herald's assembly.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);

        // A strong tag from the content itself: the same bytes give the same tag on every node and every restart.
        var tag = $"\"{Convert.ToBase64String(SHA256.HashData(bytes), 0, 18).Replace('+', '-').Replace('/', '_')}\"";
        return new EmbeddedAsset(bytes, contentType, new EntityTagHeaderValue(tag));
    }

    public Task ServeAsync(HttpContext context)
    {
        var response = context.Response;
        var headers = response.Headers;
        headers.ETag = _etag.ToString();
        headers.CacheControl = CacheControl;
        headers.XContentTypeOptions = "nosniff";

        if (NotModified(context.Request))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.ContentType = _contentType;
        response.ContentLength = _bytes.Length;
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(_bytes, context.RequestAborted).AsTask();
    }

    /// <summary>If-None-Match compares weakly (RFC 9110, section 13.1.2): a proxy's W/ copy of our tag still matches.</summary>
    private bool NotModified(HttpRequest request)
    {
        foreach (var candidate in request.GetTypedHeaders().IfNoneMatch)
        {
            if (candidate.Equals(EntityTagHeaderValue.Any) || candidate.Compare(_etag, useStrongComparison: false))
            {
                return true;
            }
        }

        return false;
    }
}
