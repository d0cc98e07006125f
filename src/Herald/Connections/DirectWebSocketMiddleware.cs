using System.IO.Pipelines;
using System.Net.Security;
using Herald.Diagnostics;
using Herald.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Herald.Connections;

/// <summary>
/// A Kestrel connection middleware that serves a valid WebSocket upgrade to Herald's <c>/ws</c> directly on the
/// connection's pipes, before the HTTP layer (and after TLS, on a TLS endpoint: it reads the decrypted bytes):
/// nothing of HTTP/1.1 (connection state, headers, context) then lives for the life of the WebSocket, which is most
/// of what an idle connection costs. Every other first request (the HTTP API, HTTP/2, an invalid or unusual upgrade)
/// is handed to the HTTP layer untouched, which answers it exactly as it would without this middleware:
/// <see cref="RequestHeadParser"/> takes only what ASP.NET Core would accept with 101 too, so a client sees the
/// same answer on both paths.
/// </summary>
internal sealed partial class DirectWebSocketMiddleware(
    ConnectionDelegate next,
    DirectUpgrades upgrades,
    HeadDeadlines headDeadlines,
    IOptions<KestrelServerOptions> kestrelOptions,
    ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger(LogCategories.DirectPath);

    public Task OnConnectedAsync(ConnectionContext connection)
    {
        // HTTP/2 chosen in the TLS handshake: the client's first bytes will be its connection preface, never an
        // HTTP/1.1 upgrade. Handed on before any read, and without an async method whose state would stay with it.
        if (connection.Features.Get<ITlsApplicationProtocolFeature>() is { } alpn && alpn.ApplicationProtocol.Span.SequenceEqual(SslApplicationProtocol.Http2.Protocol.Span))
        {
            Log.UpgradeDeclined(_logger, connection.ConnectionId, UpgradeDeclineReason.Http2);
            return next(connection);
        }

        // The handshake's state (the parser, the read, the locals: 328 bytes) ends with the handshake; what stays for
        // the WebSocket's life is the small promise that forwards the connection's own task to Kestrel.
        return ServeFirstRequestAsync(connection).Unwrap();
    }

    /// <summary>Reads and answers the first request head.</summary>
    /// <returns>The task that runs the connection from then on: the WebSocket's, or the HTTP layer's.</returns>
    /// <remarks>
    /// The handshake allocates nothing: the parser is a struct inside this method's state and keeps no strings, and
    /// the 101 is written straight into the pipe. Garbage made here would sit between the objects the connection
    /// keeps and, promoted with them in a connect burst, stay as holes in the heap (docs/benchmarks.md, the engine layer).
    /// </remarks>
    private async Task<Task> ServeFirstRequestAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var limits = kestrelOptions.Value.Limits;
        var parser = new RequestHeadParser(limits);
        ReadResult result = default;
        var status = HeadParseStatus.NeedMore;
        // The same deadline Kestrel gives a request head, so a connection that is not ours sees no difference;
        // Kestrel's close request, its first step of a shutdown, ends the wait early.
        var closeRequested = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
        var wait = headDeadlines.Start(input, closeRequested);
        var end = HeadWaitEnd.NotCancelled;
        try
        {
            // Until the parser has taken or declined the first request head, or the client ended its side first.
            while (true)
            {
                result = await input.ReadAsync();
                if (result.IsCanceled)
                {
                    break;
                }

                status = parser.Parse(result.Buffer);
                if (status != HeadParseStatus.NeedMore || result.IsCompleted)
                {
                    break;
                }

                input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException)
        {
            // An abort or a reset before a whole request arrived: nothing was accepted, so there is nothing to
            // finish; returning closes the connection as Kestrel closes an idle one.
            return Task.CompletedTask;
        }
        finally
        {
            // Also when the head did arrive: a read cancelled just after it must not reach the next reader.
            end = headDeadlines.End(wait);
        }

        if (end == HeadWaitEnd.TimedOut)
        {
            connection.Abort(new ConnectionAbortedException("request head not received within Kestrel's RequestHeadersTimeout"));
            return Task.CompletedTask;
        }

        if (end == HeadWaitEnd.CloseRequested)
        {
            return Task.CompletedTask;
        }

        var declined = upgrades.Decide(parser, result.Buffer, status, connection.RemoteEndPoint, out var accepted);
        if (declined is { } reason)
        {
            // Not for us: leave every byte where it is for the HTTP layer, which accepts or refuses it.
            Log.UpgradeDeclined(_logger, connection.ConnectionId, reason);
            input.AdvanceTo(result.Buffer.Start);
            return next(connection);
        }

        input.AdvanceTo(result.Buffer.GetPosition(parser.HeadLength));
        WebSocketHandshake.WriteAcceptResponse(connection.Transport.Output, parser.WebSocketKey, accepted.Subprotocol);
        // The WebSocket may live for hours: let the head's buffer go now.
        result = default;
        var handedOn = false;
        try
        {
            if ((await connection.Transport.Output.FlushAsync()).IsCompleted)
            {
                return Task.CompletedTask;
            }

            handedOn = true;
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException)
        {
            // The client left during the handshake; there is no connection to serve.
            return Task.CompletedTask;
        }
        finally
        {
            if (!handedOn)
            {
                upgrades.ReturnUnused(accepted);
            }
        }

        return upgrades.Handler.RunAsync(new KestrelConnectionTransport(connection, accepted.Client), accepted.Flavour, accepted.Credentials);
    }

    private static partial class Log
    {
        [LoggerMessage(Diagnostics.EventIds.UpgradeDeclined, LogLevel.Debug, "The direct WebSocket path left connection {ConnectionId} to ASP.NET Core: {Reason}", EventName = "UpgradeDeclined")]
        public static partial void UpgradeDeclined(ILogger logger, string connectionId, UpgradeDeclineReason reason);
    }
}
