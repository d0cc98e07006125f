using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Herald.Api;

/// <summary>
/// <c>GET|HEAD /herald/client.js</c> and <c>/herald/client.d.ts</c>: the browser client of clients/js, embedded in this
/// assembly at build time from its committed <c>dist/</c>, so a page loads the client that matches its server.
/// </summary>
internal sealed class ClientScriptEndpoint
{
    /// <summary>The path of the client module under the <c>MapHerald</c> prefix.</summary>
    public const string ScriptPath = "/herald/client.js";

    /// <summary>The path of its TypeScript declarations.</summary>
    public const string TypesPath = "/herald/client.d.ts";

    // Revalidated on every load rather than cached for a time: the path is stable across upgrades, and a page must
    // never run an old client against a new server; the 304 makes the revalidation cost one small round trip.
    private const string CacheControl = "no-cache";

    private readonly Asset _script = Asset.Load("Herald.client.js", "text/javascript; charset=utf-8");
    private readonly Asset _types = Asset.Load("Herald.client.d.ts", "text/plain; charset=utf-8");

    public Task GetScriptAsync(HttpContext context) => ServeAsync(context, _script);

    public Task GetTypesAsync(HttpContext context) => ServeAsync(context, _types);

    private static Task ServeAsync(HttpContext context, Asset asset)
    {
        var response = context.Response;
        var headers = response.Headers;
        headers.ETag = asset.ETag.ToString();
        headers.CacheControl = CacheControl;
        headers.XContentTypeOptions = "nosniff";

        // A module script from another origin is fetched in CORS mode: without this, a page on the app's origin could
        // not import the client from Herald's. The asset is public and takes no credentials, so any origin may.
        headers.AccessControlAllowOrigin = "*";

        if (NotModified(context.Request, asset.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Bytes.Length;
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(asset.Bytes, context.RequestAborted).AsTask();
    }

    /// <summary>If-None-Match compares weakly (RFC 9110, section 13.1.2): a proxy's W/ copy of our tag still matches.</summary>
    private static bool NotModified(HttpRequest request, EntityTagHeaderValue etag)
    {
        foreach (var candidate in request.GetTypedHeaders().IfNoneMatch)
        {
            if (candidate.Equals(EntityTagHeaderValue.Any) || candidate.Compare(etag, useStrongComparison: false))
            {
                return true;
            }
        }

        return false;
    }

    private sealed record Asset(byte[] Bytes, string ContentType, EntityTagHeaderValue ETag)
    {
        public static Asset Load(string resource, string contentType)
        {
            using var stream = typeof(ClientScriptEndpoint).Assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"The embedded resource {resource} is missing from Herald's assembly.");
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);

            // A strong tag from the content itself: the same bytes give the same tag on every node and every restart.
            var tag = $"\"{Convert.ToBase64String(SHA256.HashData(bytes), 0, 18).Replace('+', '-').Replace('/', '_')}\"";
            return new Asset(bytes, contentType, new EntityTagHeaderValue(tag));
        }
    }
}
