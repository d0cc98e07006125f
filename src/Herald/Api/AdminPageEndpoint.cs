using Microsoft.AspNetCore.Http;

namespace Herald.Api;

/// <summary>
/// <c>GET|HEAD /admin</c> and its files <c>/herald/admin.js</c> and <c>/herald/admin.css</c>, mapped only when
/// <see cref="HeraldOptions.AdminPage"/> is on: the operator's dashboard. The files hold no data; the page reads and
/// acts through the Admin-scope HTTP API with the caller's own credentials. Embedded at build time from <c>Api/AdminPage/</c>.
/// </summary>
internal sealed class AdminPageEndpoint
{
    /// <summary>The page's path under the <c>MapHerald</c> prefix.</summary>
    public const string PagePath = "/admin";

    /// <summary>Its script.</summary>
    public const string ScriptPath = "/herald/admin.js";

    /// <summary>Its style sheet.</summary>
    public const string StylePath = "/herald/admin.css";

    // As the demo page's: everything from its own origin, scripts and styles as files (no 'unsafe-inline'), the API
    // called with fetch on the same origin. Its forms are handled by the script, so no form may post anywhere. Nothing
    // may frame it: a framed dashboard would let another site trick an operator into a click on Disconnect.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

    private readonly EmbeddedAsset _page = EmbeddedAsset.Load("Herald.admin.html", "text/html; charset=utf-8");
    private readonly EmbeddedAsset _script = EmbeddedAsset.Load("Herald.admin.js", "text/javascript; charset=utf-8");
    private readonly EmbeddedAsset _style = EmbeddedAsset.Load("Herald.admin.css", "text/css; charset=utf-8");

    public Task GetPageAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        return _page.ServeAsync(context);
    }

    public Task GetScriptAsync(HttpContext context) => _script.ServeAsync(context);

    public Task GetStyleAsync(HttpContext context) => _style.ServeAsync(context);
}
