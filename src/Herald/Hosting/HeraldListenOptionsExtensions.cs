using Herald.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Hosting;

/// <summary>Herald's direct WebSocket path on a Kestrel endpoint.</summary>
public static class HeraldListenOptionsExtensions
{
    /// <summary>
    /// Serves valid WebSocket upgrades to Herald's mapped <c>/ws</c> straight on the connection, before the HTTP
    /// layer, which cuts the memory an idle connection costs by about half (over TLS, whose own state is larger, by
    /// about a sixth). Everything else on the endpoint (the HTTP API, your own endpoints, HTTP/2, any other request)
    /// goes through ASP.NET Core as before. The app's middleware does not see those upgrades, so leave this off when
    /// your own middleware guards <c>/ws</c>.
    /// On a TLS endpoint, call it after <c>UseHttps()</c>: the path then reads the decrypted requests (wss://).
    /// Called more than once on an endpoint, the last call decides where the path sits; when that is before TLS,
    /// the path stays off on the endpoint and a warning (event 107) says so at start.
    /// </summary>
    public static ListenOptions UseHeraldDirectWebSockets(this ListenOptions listenOptions)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        DirectPathPlacement.AddPlace(listenOptions);
        return listenOptions;
    }

    /// <summary>
    /// Turns on <see cref="UseHeraldDirectWebSockets(ListenOptions)"/> for every Kestrel endpoint of the app, after
    /// TLS on the https endpoints from <c>Kestrel:Endpoints</c> (unless they use <c>Sni</c>) and on those made in
    /// code with <c>UseHttps()</c>. An https address from <c>--urls</c>, <c>URLS</c> or <c>HTTPS_PORTS</c> gets its
    /// TLS from Kestrel after every connection middleware: there the path stays off, with a warning at start.
    /// </summary>
    public static IWebHostBuilder UseHeraldDirectWebSockets(this IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ConfigureServices(services =>
        {
            var endpoints = new DirectPathEndpoints();
            services.Configure<KestrelServerOptions>(endpoints.Configure);
            services.PostConfigure<KestrelServerOptions>(endpoints.PostConfigure);
        });
    }
}
