using System.Net;
using System.Runtime.CompilerServices;
using Herald.Connections;
using Herald.Diagnostics;
using Herald.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Herald.Hosting;

/// <summary>
/// Where the direct WebSocket path sits among one Kestrel endpoint's connection middleware. Kestrel runs them in
/// the order they were added, TLS (<c>UseHttps</c>) among them, so the path reads decrypted bytes only when it was
/// added after TLS. Every <c>UseHeraldDirectWebSockets()</c> on an endpoint adds a place and only the last one
/// serves: the web host's place, added when the endpoint is created and so before its TLS, gives way to one added
/// after it. A last place that sits before TLS serves nothing (it would see only ciphertext) and says so at start.
/// </summary>
internal sealed partial class DirectPathPlacement
{
    private static readonly ConditionalWeakTable<ListenOptions, DirectPathPlacement> Placements = [];

    private int _places;
    private bool _lastAfterTls;
    private bool _warned;

    /// <summary>Adds a place for the direct path after the connection middleware the endpoint has so far.</summary>
    public static void AddPlace(ListenOptions listenOptions)
    {
        var placement = Placements.GetValue(listenOptions, static _ => new DirectPathPlacement());
        var place = ++placement._places;
        var afterTls = placement._lastAfterTls = HasTls(listenOptions);
        listenOptions.Use(next => placement.Build(listenOptions, next, place, afterTls));
    }

    /// <summary>True when the endpoint's last place for the direct path comes before a TLS added after it.</summary>
    public static bool LastPlaceIsBeforeTls(ListenOptions listenOptions) =>
        Placements.TryGetValue(listenOptions, out var placement) && !placement._lastAfterTls && HasTls(listenOptions);

    /// <remarks>
    /// Kestrel shows whether it has added TLS to an endpoint only in the endpoint's name (its <c>ToString</c>): the
    /// scheme is <c>https</c> from the moment <c>UseHttps</c> is called, as in the address Kestrel logs and lists in
    /// <c>IServerAddressesFeature</c>.
    /// </remarks>
    private static bool HasTls(ListenOptions listenOptions) =>
        listenOptions.ToString()?.StartsWith("https:", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>Called by Kestrel when it binds the endpoint, once every connection middleware has been added.</summary>
    private ConnectionDelegate Build(ListenOptions listenOptions, ConnectionDelegate next, int place, bool afterTls)
    {
        if (place != _places)
        {
            // A later place serves: this one adds nothing to a connection, not even a call.
            return next;
        }

        var sockets = listenOptions.ApplicationServices.GetRequiredService<DirectSocketEndpoints>();
        if (!afterTls && HasTls(listenOptions))
        {
            sockets.Mark(AddressesOf(listenOptions), tls: true);
            if (!_warned)
            {
                _warned = true;
                var logger = listenOptions.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategories.Lifecycle);
                Log.DirectPathBeforeTls(logger, listenOptions.ToString() ?? "an endpoint");
            }

            return next;
        }

        sockets.Mark(AddressesOf(listenOptions), HasTls(listenOptions));
        return ActivatorUtilities.CreateInstance<DirectWebSocketMiddleware>(listenOptions.ApplicationServices, next).OnConnectedAsync;
    }

    /// <summary>
    /// The addresses Kestrel binds for an endpoint: <c>localhost</c> is 127.0.0.1 and [::1] on its port, and the
    /// IPv6 wildcard falls back to the IPv4 one where IPv6 is off.
    /// </summary>
    private static IEnumerable<IPEndPoint> AddressesOf(ListenOptions listenOptions)
    {
        if (listenOptions.EndPoint is not IPEndPoint endpoint)
        {
            return [];
        }

        if (listenOptions.ToString()?.Contains("://localhost:", StringComparison.OrdinalIgnoreCase) == true)
        {
            return [new IPEndPoint(IPAddress.Loopback, endpoint.Port), new IPEndPoint(IPAddress.IPv6Loopback, endpoint.Port)];
        }

        return endpoint.Address.Equals(IPAddress.IPv6Any) ? [endpoint, new IPEndPoint(IPAddress.Any, endpoint.Port)] : [endpoint];
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.DirectPathBeforeTls, LogLevel.Warning,
            "The direct WebSocket path is off on {Endpoint}: TLS was added to it after the path, which would see only encrypted bytes, so its WebSockets go through ASP.NET Core. " +
            "Call UseHeraldDirectWebSockets() after UseHttps(), or configure the endpoint under Kestrel:Endpoints (without Sni).",
            EventName = "DirectPathBeforeTls")]
        public static partial void DirectPathBeforeTls(ILogger logger, string endpoint);
    }
}
