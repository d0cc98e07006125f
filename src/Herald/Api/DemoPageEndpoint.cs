using Microsoft.AspNetCore.Http;

namespace Herald.Api;

/// <summary>
/// <c>GET|HEAD /</c> and its files <c>/herald/demo.js</c> and <c>/herald/demo.css</c>, mapped only when
/// <see cref="HeraldOptions.DemoPage"/> is on: a page that connects as a user with the browser client beside it and
/// shows how to push to that user. Embedded at build time from <c>Api/DemoPage/</c>.
/// </summary>
internal sealed class DemoPageEndpoint
{
    /// <summary>The page's path under the <c>MapHerald</c> prefix.</summary>
    public const string PagePath = "/";

    /// <summary>Its script, beside the client it imports as <c>./client.js</c>.</summary>
    public const string ScriptPath = "/herald/demo.js";

    /// <summary>Its style sheet.</summary>
    public const string StylePath = "/herald/demo.css";

    // Everything the page uses comes from its own origin, scripts and styles as files (no inline code, so no
    // 'unsafe-inline'); 'self' in connect-src covers the same origin's ws:// and wss:// (CSP Level 3), and the send form
    // posts back here. The data: image is the page's empty favicon. Nothing may frame it, so no other site can overlay its buttons.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private readonly EmbeddedAsset _page = EmbeddedAsset.Load("Herald.demo.html", "text/html; charset=utf-8");
    private readonly EmbeddedAsset _script = EmbeddedAsset.Load("Herald.demo.js", "text/javascript; charset=utf-8");
    private readonly EmbeddedAsset _style = EmbeddedAsset.Load("Herald.demo.css", "text/css; charset=utf-8");

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
