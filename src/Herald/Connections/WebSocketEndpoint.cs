using System.Globalization;
using System.Net;
using Herald.Api;
using Herald.Diagnostics;
using Herald.Protocol;
using Herald.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Herald.Connections;

/// <summary>
/// <c>/ws</c>: checks the WebSocket handshake (an HTTP/1.1 upgrade, never HTTP/1.0, or an HTTP/2 extended CONNECT), accepts it,
/// and runs the connection until it ends. The handshake is Herald's own so that the connection can speak the
/// protocol straight over the accepted stream.
/// </summary>
internal sealed partial class WebSocketEndpoint(ConnectionHandler handler, UpgradeGate gate, RefusedUpgrades refusedUpgrades, ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger(LogCategories.Upgrades);

    private const string SupportedVersion = "13";

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var extendedConnect = context.Features.Get<IHttpExtendedConnectFeature>();
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        var isHttp2 = extendedConnect is { IsExtendedConnect: true }
            && string.Equals(extendedConnect.Protocol, "websocket", StringComparison.OrdinalIgnoreCase);
        // RFC 9110: a method is case-sensitive (Kestrel keeps "get" as a method of its own); Upgrade is a token list.
        var isHttp1 = !isHttp2 && upgrade is { IsUpgradableRequest: true }
            && string.Equals(request.Method, HttpMethods.Get, StringComparison.Ordinal)
            && OffersWebSocket(request.Headers.Upgrade);

        if (!isHttp1 && !isHttp2)
        {
            await RefuseAsync(context, StatusCodes.Status426UpgradeRequired, "WebSocket upgrade required", "not a WebSocket upgrade request",
                $"This endpoint speaks WebSocket only: open it with new WebSocket('ws://{request.Host}{request.PathBase}{request.Path}').");
            return;
        }

        if (isHttp1 && !HttpProtocol.IsHttp11(request.Protocol))
        {
            // RFC 6455 §4.1: the opening handshake is an HTTP/1.1 (or later) GET; Kestrel would upgrade an HTTP/1.0 one.
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "WebSocket needs HTTP/1.1", "HTTP/1.0 upgrade",
                $"A WebSocket opens with an HTTP/1.1 upgrade (RFC 6455 section 4.1); this request was {request.Protocol}.");
            return;
        }

        if (request.Headers.SecWebSocketVersion != SupportedVersion)
        {
            context.Response.Headers.SecWebSocketVersion = SupportedVersion;
            await RefuseAsync(context, StatusCodes.Status426UpgradeRequired, "Unsupported WebSocket version", "unsupported Sec-WebSocket-Version",
                $"Sec-WebSocket-Version must be {SupportedVersion} (was '{request.Headers.SecWebSocketVersion}').");
            return;
        }

        var key = request.Headers.SecWebSocketKey.ToString();
        if (isHttp1 && !WebSocketHandshake.IsValidKey(key))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "Invalid WebSocket handshake", "invalid Sec-WebSocket-Key",
                "Sec-WebSocket-Key must be the base64 encoding of 16 bytes.");
            return;
        }

        if (!Subprotocols.TrySelect(request.Headers.SecWebSocketProtocol, out var flavour, out var subprotocol))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "Unsupported WebSocket subprotocol", "unsupported Sec-WebSocket-Protocol",
                $"This endpoint speaks {Subprotocols.HeraldV1}, or the seed flavour when no subprotocol or {Subprotocols.HeraldSeed} is asked for (was '{request.Headers.SecWebSocketProtocol}').");
            return;
        }

        HandshakeCredentials? credentials = null;
        // The peer as the app sees it: ASP.NET Core's ForwardedHeadersMiddleware, if the app runs it, has already
        // replaced a proxy's address with the one it forwarded (docs/security.md).
        var client = context.Connection.RemoteIpAddress;
        if (gate.ReadsHead(client))
        {
            var head = UpgradeHead.FromRequest(request, gate.HeaderNames);
            client = gate.ClientAddress(head, client);
            if (gate.Check(head) is { } refusal)
            {
                await RefuseAsync(context, refusal.Status, refusal.Title, refusal.LogReason, refusal.Detail, client);
                return;
            }

            credentials = gate.CredentialsFrom(head, RemoteAddresses.ForHook(client, context.Connection.RemoteIpAddress, UpgradedRequestTransport.FormatRemoteAddress(context)));
        }

        if (!handler.IsAccepting)
        {
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, "Server shutting down", "server shutting down",
                "Herald is shutting down; reconnect to another node or retry shortly.", client);
            return;
        }

        if (gate.Admit(client) is { } limited)
        {
            await RefuseForLimitAsync(context, limited, client);
            return;
        }

        Stream stream;
        try
        {
            stream = await AcceptAsync(context, extendedConnect, upgrade, isHttp2, key, subprotocol);
        }
        catch
        {
            gate.ReturnUnused(client);
            throw;
        }

        await handler.RunAsync(new UpgradedRequestTransport(context, stream, client), flavour, credentials);
    }

    private static async Task<Stream> AcceptAsync(HttpContext context, IHttpExtendedConnectFeature? extendedConnect, IHttpUpgradeFeature? upgrade, bool isHttp2, string key, string? subprotocol)
    {
        if (subprotocol is not null)
        {
            context.Response.Headers.SecWebSocketProtocol = subprotocol;
        }

        if (isHttp2)
        {
            return await extendedConnect!.AcceptAsync();
        }

        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers.SecWebSocketAccept = WebSocketHandshake.ComputeAcceptKey(key);
        return await upgrade!.UpgradeAsync();
    }

    private static bool OffersWebSocket(StringValues upgrade)
    {
        foreach (var value in upgrade)
        {
            foreach (var token in (value ?? string.Empty).Split(','))
            {
                if (token.Trim(' ').Equals("websocket", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>A limit's refusal, counted and logged by <see cref="RefusedUpgrades"/> rather than as event 209, with <c>Retry-After</c>.</summary>
    private Task RefuseForLimitAsync(HttpContext context, UpgradeRefusal refusal, IPAddress? client)
    {
        refusedUpgrades.Record(refusal, LogText.Escape(UpgradedRequestTransport.FormatRemoteAddress(context, client))!);
        if (refusal.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return Problems.Status(refusal.Status, refusal.Title, refusal.Detail).ExecuteAsync(context);
    }

    /// <summary>Answers with problem details and logs event 209 naming the client: the one the gate resolved, else the peer.</summary>
    private Task RefuseAsync(HttpContext context, int status, string title, string reason, string detail, IPAddress? client = null)
    {
        // The address is the app's to set (forwarded headers, say): it is escaped like any text from outside.
        Log.UpgradeRefused(_logger, LogText.Escape(UpgradedRequestTransport.FormatRemoteAddress(context, client ?? context.Connection.RemoteIpAddress)), reason);
        if (status == StatusCodes.Status426UpgradeRequired)
        {
            context.Response.Headers.Upgrade = "websocket";
        }

        return Problems.Status(status, title, detail).ExecuteAsync(context);
    }

    private static partial class Log
    {
        [LoggerMessage(Diagnostics.EventIds.UpgradeRefused, LogLevel.Information, "Refused a request to the WebSocket endpoint from {RemoteAddress}: {Reason}", EventName = "UpgradeRefused")]
        public static partial void UpgradeRefused(ILogger logger, string remoteAddress, string reason);
    }
}
