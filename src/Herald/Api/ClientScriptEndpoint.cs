using Microsoft.AspNetCore.Http;

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

    private readonly EmbeddedAsset _script = EmbeddedAsset.Load("Herald.client.js", "text/javascript; charset=utf-8");
    private readonly EmbeddedAsset _types = EmbeddedAsset.Load("Herald.client.d.ts", "text/plain; charset=utf-8");

    public Task GetScriptAsync(HttpContext context) => ServeAsync(context, _script);

    public Task GetTypesAsync(HttpContext context) => ServeAsync(context, _types);

    private static Task ServeAsync(HttpContext context, EmbeddedAsset asset)
    {
        // A module script from another origin is fetched in CORS mode: without this, a page on the app's origin could
        // not import the client from Herald's. The asset is public and takes no credentials, so any origin may.
        context.Response.Headers.AccessControlAllowOrigin = "*";
        return asset.ServeAsync(context);
    }
}
