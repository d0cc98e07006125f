using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Herald.Diagnostics;
using Herald.Protocol;
using Herald.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Herald.Connections;

/// <summary>
/// A Kestrel connection middleware that serves a valid WebSocket upgrade to Herald's <c>/ws</c> directly on the
/// connection's pipes, before the HTTP layer: nothing of HTTP/1.1 (connection state, headers, context) then lives
/// for the life of the WebSocket, which is most of what an idle connection costs. Every other first request
/// (the HTTP API, an invalid or unusual upgrade, TLS) is handed to the HTTP layer untouched, which answers it
/// exactly as it would without this middleware: <see cref="UpgradeHeadParser"/> takes only what ASP.NET Core would
/// accept with 101 too, so a client sees the same answer on both paths.
/// </summary>
internal sealed partial class DirectWebSocketMiddleware(
    ConnectionDelegate next,
    ConnectionHandler handler,
    MappedPrefixes mappedPrefixes,
    TimeProvider timeProvider,
    IOptions<KestrelServerOptions> kestrelOptions,
    ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger(LogCategories.DirectPath);

    /// <remarks>
    /// One async method whose state lives as long as the WebSocket. The parser is a struct inside that state rather
    /// than an object that outlives the head's wait only to die after it, and it is cleared once the 101 is
    /// written, so that nothing of the handshake stays referenced (docs/benchmarks.md, the engine layer, has what
    /// this did and did not change in idle memory).
    /// </remarks>
    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var limits = kestrelOptions.Value.Limits;
        var parser = new UpgradeHeadParser(limits);
        ReadResult result;
        HeadParseStatus status;
        // The same deadline Kestrel gives a request head, so a connection that is not ours sees no difference;
        // Kestrel's close request, its first step of a shutdown, ends the wait early.
        var closeRequested = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
        using (var headWait = new CancellationTokenSource(limits.RequestHeadersTimeout, timeProvider))
        using (closeRequested.Register(static state => ((CancellationTokenSource)state!).Cancel(), headWait))
        {
            try
            {
                // Until the parser has taken or declined the first request head, or the client ended its side first.
                while (true)
                {
                    result = await input.ReadAsync(headWait.Token);
                    status = parser.Parse(result.Buffer);
                    if (status != HeadParseStatus.NeedMore || result.IsCompleted || result.IsCanceled)
                    {
                        break;
                    }

                    input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                }
            }
            catch (OperationCanceledException) when (headWait.IsCancellationRequested
                && !closeRequested.IsCancellationRequested && !connection.ConnectionClosed.IsCancellationRequested)
            {
                connection.Abort(new ConnectionAbortedException("request head not received within Kestrel's RequestHeadersTimeout"));
                return;
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException)
            {
                // Shutdown, an abort or a reset before a whole request arrived: nothing was accepted, so there is
                // nothing to finish; returning closes the connection as Kestrel closes an idle one.
                return;
            }
        }

        var flavour = WireFlavour.Seed;
        var declined = status switch
        {
            HeadParseStatus.Complete => DeclineReasonFor(parser.Request!, out flavour),
            HeadParseStatus.Declined => parser.DeclineReason,
            _ => UpgradeDeclineReason.InputEnded,
        };
        if (declined is { } reason)
        {
            // Not for us: leave every byte where it is for the HTTP layer, which accepts or refuses it.
            Log.UpgradeDeclined(_logger, connection.ConnectionId, reason);
            input.AdvanceTo(result.Buffer.Start);
            await next(connection);
            return;
        }

        input.AdvanceTo(result.Buffer.GetPosition(parser.HeadLength));
        var selected = Subprotocols.Selected(flavour) is { } subprotocol ? $"Sec-WebSocket-Protocol: {subprotocol}\r\n" : string.Empty;
        connection.Transport.Output.Write(Encoding.ASCII.GetBytes(
            "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
            $"Sec-WebSocket-Accept: {WebSocketHandshake.ComputeAcceptKey(parser.Request!.WebSocketKey)}\r\n{selected}\r\n"));
        // The WebSocket may live for hours: let the handshake's strings and the head's buffer go now.
        (parser, result) = (default, default);
        try
        {
            if ((await connection.Transport.Output.FlushAsync()).IsCompleted)
            {
                return;
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException)
        {
            // The client left during the handshake; there is no connection to serve.
            return;
        }

        await handler.RunAsync(new KestrelConnectionTransport(connection), flavour);
    }

    /// <summary>Why a valid upgrade is not one Herald takes directly now, or null when it is (with its flavour).</summary>
    private UpgradeDeclineReason? DeclineReasonFor(UpgradeRequest request, out WireFlavour flavour)
    {
        flavour = WireFlavour.Seed;
        if (!IsHeraldPath(request.Path))
        {
            return UpgradeDeclineReason.NotHeraldPath;
        }

        if (!Subprotocols.TrySelect(request.Subprotocols, out flavour))
        {
            return UpgradeDeclineReason.UnsupportedSubprotocol;
        }

        return handler.IsAccepting ? null : UpgradeDeclineReason.ShuttingDown;
    }

    private bool IsHeraldPath(string path)
    {
        foreach (var prefix in mappedPrefixes.Snapshot())
        {
            if (path.Length == prefix.Length + "/ws".Length && path.StartsWith(prefix, StringComparison.Ordinal) && path.EndsWith("/ws", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(Diagnostics.EventIds.UpgradeDeclined, LogLevel.Debug, "The direct WebSocket path left connection {ConnectionId} to ASP.NET Core: {Reason}", EventName = "UpgradeDeclined")]
        public static partial void UpgradeDeclined(ILogger logger, string connectionId, UpgradeDeclineReason reason);
    }
}
