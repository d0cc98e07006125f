using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Herald.Api;

/// <summary>
/// One of Herald's own pages, embedded at build time from <c>Api/&lt;Name&gt;Page/</c>: its HTML at a path of its own
/// and its script and style sheet at <c>/herald/&lt;name&gt;.js</c> and <c>.css</c>, each with an ETag and no-cache
/// (<see cref="EmbeddedAsset"/>). The page gets a strict Content-Security-Policy: everything from its own origin,
/// scripts and styles as files (no inline code, so no <c>'unsafe-inline'</c>), <c>'self'</c> in connect-src covering
/// the same origin's ws:// and wss:// (CSP Level 3), the data: image its empty favicon, and nothing may frame it, so no
/// other site can overlay its buttons. Both pages also load the style sheet they share, <c>/herald/pages.css</c>
/// (<see cref="MapSharedStyle"/>), before their own.
/// </summary>
internal sealed class EmbeddedPage
{
    /// <summary>The shared style sheet's path under the <c>MapHerald</c> prefix.</summary>
    public const string SharedStylePath = "/herald/pages.css";

    // Loaded at the first request, as each page's files are.
    private static readonly Lazy<EmbeddedAsset> SharedStyle = new(() => EmbeddedAsset.Load("Herald.pages.css", "text/css; charset=utf-8"));

    private readonly string _name;
    private readonly string _contentSecurityPolicy;
    private readonly Lazy<EmbeddedAsset> _page;
    private readonly Lazy<EmbeddedAsset> _script;
    private readonly Lazy<EmbeddedAsset> _style;

    private EmbeddedPage(string name, string pagePath, string formAction)
    {
        _name = name;
        PagePath = pagePath;
        _contentSecurityPolicy =
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
            $"form-action {formAction}; base-uri 'none'; frame-ancestors 'none'";

        // Loaded at the first request, not when MapHerald maps the page.
        _page = new(() => EmbeddedAsset.Load($"Herald.{name}.html", "text/html; charset=utf-8"));
        _script = new(() => EmbeddedAsset.Load($"Herald.{name}.js", "text/javascript; charset=utf-8"));
        _style = new(() => EmbeddedAsset.Load($"Herald.{name}.css", "text/css; charset=utf-8"));
    }

    /// <summary>
    /// <c>/</c> (<see cref="HeraldOptions.DemoPage"/>): connects as a user with the browser client beside it and shows
    /// how to push to that user. Its send form posts back here.
    /// </summary>
    public static EmbeddedPage Demo() => new("demo", "/", formAction: "'self'");

    /// <summary>
    /// <c>/admin</c> (<see cref="HeraldOptions.AdminPage"/>): the operator's dashboard. Its files hold no data; it reads
    /// and acts through the Admin-scope HTTP API with the caller's own credentials, and its forms are handled by the
    /// script, so no form may post anywhere (and a framed dashboard could trick an operator into a click on Disconnect).
    /// </summary>
    public static EmbeddedPage Admin() => new("admin", "/admin", formAction: "'none'");

    /// <summary>The page's path under the <c>MapHerald</c> prefix.</summary>
    public string PagePath { get; }

    /// <summary>Its script (the demo page's sits beside the client it imports as <c>./client.js</c>).</summary>
    public string ScriptPath => $"/herald/{_name}.js";

    /// <summary>Its style sheet.</summary>
    public string StylePath => $"/herald/{_name}.css";

    /// <summary>Maps the page and its two files, for GET and HEAD, named <paramref name="displayName"/>.</summary>
    public void MapTo(IEndpointRouteBuilder endpoints, string displayName)
    {
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        endpoints.MapMethods(PagePath, methods, GetPageAsync).WithDisplayName(displayName);
        endpoints.MapMethods(ScriptPath, methods, context => _script.Value.ServeAsync(context)).WithDisplayName($"{displayName} script");
        endpoints.MapMethods(StylePath, methods, context => _style.Value.ServeAsync(context)).WithDisplayName($"{displayName} styles");
    }

    /// <summary>Maps the style sheet every page links before its own, once whichever pages are on.</summary>
    public static void MapSharedStyle(IEndpointRouteBuilder endpoints) =>
        endpoints.MapMethods(SharedStylePath, [HttpMethods.Get, HttpMethods.Head], context => SharedStyle.Value.ServeAsync(context)).WithDisplayName("Herald page styles");

    private Task GetPageAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = _contentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        return _page.Value.ServeAsync(context);
    }
}
