using Herald;
using Herald.Api;
using Herald.Auth;
using Herald.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Herald's endpoints into an application.</summary>
public static class HeraldEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>/ws</c> (WebSocket), <c>GET|POST /send</c>, <c>POST /api/v1/publish</c>, <c>POST /api/v1/publish/batch</c>,
    /// <c>GET /api/v1/stats</c>, <c>GET /api/v1/users/{uid}</c>, <c>POST /api/v1/users/{uid}/disconnect</c> and the browser client
    /// <c>GET /herald/client.js</c> (with its types, <c>/herald/client.d.ts</c>) under <paramref name="prefix"/>, and the demo page at
    /// <c>/</c> when <see cref="HeraldOptions.DemoPage"/> is on, and the operator's dashboard at <c>/admin</c> when
    /// <see cref="HeraldOptions.AdminPage"/> is on. The returned group takes the app's own
    /// conventions (authorization, CORS, rate limiting) for all of them, on top of Herald's own access control of the
    /// HTTP API: the policies <see cref="HeraldApiAuthorization.PublishPolicy"/> and <see cref="HeraldApiAuthorization.AdminPolicy"/>,
    /// which the app may register itself to replace Herald's (docs/security.md).
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>AddHerald()</c> was not called.</exception>
    public static RouteGroupBuilder MapHerald(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        var services = endpoints.ServiceProvider;
        var mapped = services.GetService<MappedPrefixes>()
            ?? throw new InvalidOperationException("Herald's services are missing: call builder.Services.AddHerald() before app.MapHerald().");
        mapped.Add(prefix);

        var group = endpoints.MapGroup(prefix);

        // Handlers are resolved at the first request, not here: resolving them reads the options, and invalid options
        // must surface as the host's start-up validation failure, not as an exception from MapHerald. They are
        // singletons from the root provider, so no request pays for a service scope.
        var webSocket = new Lazy<WebSocketEndpoint>(services.GetRequiredService<WebSocketEndpoint>);
        var send = new Lazy<SendEndpoint>(services.GetRequiredService<SendEndpoint>);
        var publish = new Lazy<PublishEndpoint>(services.GetRequiredService<PublishEndpoint>);
        var hub = new Lazy<HubEndpoints>(services.GetRequiredService<HubEndpoints>);
        var clientScript = new Lazy<ClientScriptEndpoint>(services.GetRequiredService<ClientScriptEndpoint>);
        var gate = new Lazy<ApiRequestGate>(services.GetRequiredService<ApiRequestGate>);
        const string Publish = HeraldApiAuthorization.PublishPolicy;
        const string Admin = HeraldApiAuthorization.AdminPolicy;

        // The WebSocket is not behind the API's policies: a connection proves who it is when it logs in.
        group.Map("/ws", context => webSocket.Value.HandleAsync(context)).WithDisplayName("Herald WebSocket");
        // The browser client is a public asset, like the page that loads it: not behind the API's policies either.
        group.MapMethods(ClientScriptEndpoint.ScriptPath, [HttpMethods.Get, HttpMethods.Head], context => clientScript.Value.GetScriptAsync(context)).WithDisplayName("Herald browser client");
        group.MapMethods(ClientScriptEndpoint.TypesPath, [HttpMethods.Get, HttpMethods.Head], context => clientScript.Value.GetTypesAsync(context)).WithDisplayName("Herald browser client types");
        var pages = PageOptions(services);
        if (pages.DemoPage || pages.AdminPage)
        {
            EmbeddedPage.MapSharedStyle(group);
        }

        if (pages.DemoPage)
        {
            EmbeddedPage.Demo().MapTo(group, "Herald demo page");
        }

        // The dashboard's files are public like the demo page's: they hold no data, and every call the page makes
        // goes to the Admin-scope API below, which refuses it exactly as it refuses any other caller (docs/operations.md).
        if (pages.AdminPage)
        {
            EmbeddedPage.Admin().MapTo(group, "Herald dashboard");
        }

        group.MapMethods("/send", [HttpMethods.Get, HttpMethods.Post], Guarded(gate, Publish, context => send.Value.HandleAsync(context))).WithDisplayName("Herald send");
        group.MapPost("/api/v1/publish", Guarded(gate, Publish, context => publish.Value.PublishAsync(context))).WithDisplayName("Herald publish");
        group.MapPost("/api/v1/publish/batch", Guarded(gate, Publish, context => publish.Value.PublishBatchAsync(context))).WithDisplayName("Herald publish batch");
        group.MapGet("/api/v1/stats", Guarded(gate, Admin, context => hub.Value.GetStatsAsync(context))).WithDisplayName("Herald stats");

        // A catch-all, so that a uid containing '/' can be asked about as /api/v1/users/a/b.
        group.MapGet("/api/v1/users/{**uid}", Guarded(gate, Admin, context => hub.Value.GetUserAsync(context))).WithDisplayName("Herald user presence");
        group.MapPost("/api/v1/users/{**path}", Guarded(gate, Admin, context => hub.Value.PostUserActionAsync(context))).WithDisplayName("Herald user disconnect");
        return group;
    }

    /// <summary>
    /// Whether to map the demo page and the dashboard, decided here rather than per request: without them an app must
    /// have nothing of Herald's at <c>/</c> or <c>/admin</c>, so that its own pages, static files or fallback route stay untouched. The options are
    /// made as the host makes them (the configuration binding, then the configure callbacks) but not validated, and
    /// only these flags are used: an invalid option must still surface as the host's start-up validation failure, not here.
    /// </summary>
    private static (bool DemoPage, bool AdminPage) PageOptions(IServiceProvider services)
    {
        var options = new HeraldOptions();
        try
        {
            foreach (var setup in services.GetServices<IConfigureOptions<HeraldOptions>>())
            {
                setup.Configure(options);
            }

            foreach (var setup in services.GetServices<IPostConfigureOptions<HeraldOptions>>())
            {
                setup.PostConfigure(Options.DefaultName, options);
            }
        }
        catch (InvalidOperationException)
        {
            // A value the binder cannot convert: the same error stops the host's start with its one clear line, so
            // whether the pages would have been mapped no longer matters, and MapHerald must not raise it first.
            return (false, false);
        }

        return (options.DemoPage, options.AdminPage);
    }

    /// <summary>
    /// The endpoint behind Herald's access control, which it runs itself rather than leaving it to endpoint metadata
    /// and the app's authorization middleware: no middleware order of the app, nor its absence, can leave the API open.
    /// </summary>
    private static RequestDelegate Guarded(Lazy<ApiRequestGate> gate, string policy, RequestDelegate endpoint) =>
        context => gate.Value.InvokeAsync(context, policy, endpoint);
}
