using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Herald.Connections;
using Herald.Diagnostics;
using Herald.WebSockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Herald.Sockets;

/// <summary>
/// Looks at the first request of a connection that <see cref="HeraldSocketListener"/> accepted, without taking its
/// bytes: a valid upgrade that Herald takes directly (the same rules as the direct path in Kestrel,
/// <see cref="DirectUpgrades"/>) becomes a WebSocket on the bare socket, with none of Kestrel's connection objects
/// behind it; a plain GET that may be a send Herald answers goes to <see cref="SocketSendRequests"/>; anything else
/// goes to Kestrel untouched, where the direct path and ASP.NET Core see it as before.
/// </summary>
/// <remarks>
/// The head is peeked in one piece of at most <see cref="PeekBytes"/>: a head that has not arrived whole in the
/// first bytes the client sent, or is longer, goes to Kestrel, whose direct path reads it as it arrives.
/// </remarks>
internal sealed partial class SocketUpgrades(DirectUpgrades upgrades, SocketSendRequests sendRequests, HeadDeadlines headDeadlines, IOptions<KestrelServerOptions> kestrelOptions, ILoggerFactory loggerFactory)
{
    private const int PeekBytes = 4096;

    private readonly ILogger _logger = loggerFactory.CreateLogger(LogCategories.DirectPath);

    /// <summary>Serves <paramref name="socket"/>'s first request; returns at its first wait.</summary>
    /// <param name="socket">A socket just accepted.</param>
    /// <param name="listener">The listener that gives it to Kestrel when it is not a WebSocket for Herald.</param>
    /// <param name="unbound">Cancelled when the listener stops: a socket still waiting for its head is closed.</param>
    public void Serve(Socket socket, HeraldSocketListener listener, CancellationToken unbound)
    {
        Log.SocketAccepted(_logger, socket.RemoteEndPoint);
        _ = ServeAsync(socket, listener, unbound);
    }

    private async Task ServeAsync(Socket socket, HeraldSocketListener listener, CancellationToken unbound)
    {
        // Kestrel's deadline for a head; a socket that sends nothing in time is closed, as Kestrel closes it.
        if (!await headDeadlines.WaitForBytesAsync(socket, unbound))
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(PeekBytes);
        SocketWebSocketTransport? transport = null;
        DirectUpgrade upgrade = default;
        try
        {
            transport = TryTake(socket, buffer, out upgrade, out var maySend);
            if (transport is null)
            {
                if (maySend)
                {
                    _ = sendRequests.ServeAsync(socket, listener, unbound);
                }
                else
                {
                    listener.HandToKestrel(socket);
                }

                return;
            }

            if ((await transport.Output.FlushAsync(CancellationToken.None)).IsCompleted)
            {
                throw new IOException("the client left during the handshake");
            }
        }
        catch (Exception exception) when (exception is SocketException or IOException or ObjectDisposedException)
        {
            // The client left during the handshake; there is no connection to serve.
            if (transport is not null)
            {
                upgrades.ReturnUnused(upgrade);
                await transport.DisposeAsync();
            }

            SocketClose.Gracefully(socket);
            return;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _ = upgrades.Handler.RunAsync(transport, upgrade.Flavour, upgrade.Credentials);
    }

    /// <summary>
    /// Peeks at the first request; when Herald takes it, consumes its head and writes the 101 (not yet flushed).
    /// </summary>
    /// <param name="socket">The accepted socket, whose first bytes have arrived.</param>
    /// <param name="buffer">Room for <see cref="PeekBytes"/>.</param>
    /// <param name="upgrade">The upgrade Herald takes, when the answer is not null.</param>
    /// <param name="maySend">When no upgrade is taken: whether the request may be a send Herald answers (<see cref="SocketSendRequests"/>).</param>
    /// <returns>The WebSocket's transport, or null to leave every byte to Kestrel or to the sends.</returns>
    private SocketWebSocketTransport? TryTake(Socket socket, byte[] buffer, out DirectUpgrade upgrade, out bool maySend)
    {
        upgrade = default;
        var peeked = socket.Receive(buffer, SocketFlags.Peek);
        var head = new ReadOnlySequence<byte>(buffer, 0, peeked);
        var parser = new RequestHeadParser(kestrelOptions.Value.Limits);
        var status = parser.Parse(head);
        maySend = sendRequests.MayTake(parser);
        if (maySend || status == HeadParseStatus.NeedMore || upgrades.Decide(parser, head, status, socket.RemoteEndPoint, out upgrade) is not null)
        {
            return null;
        }

        try
        {
            for (var consumed = 0; consumed < parser.HeadLength;)
            {
                var read = socket.Receive(buffer.AsSpan(consumed, (int)parser.HeadLength - consumed));
                consumed += read > 0 ? read : throw new IOException("the client left during the handshake");
            }
        }
        catch
        {
            upgrades.ReturnUnused(upgrade);
            throw;
        }

        var transport = new SocketWebSocketTransport(socket, upgrade.Client);
        WebSocketHandshake.WriteAcceptResponse(transport.Output, parser.WebSocketKey, upgrade.Subprotocol);
        return transport;
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.SocketAccepted, LogLevel.Debug, "Herald's socket transport accepted a connection from {RemoteAddress}", EventName = "SocketAccepted")]
        public static partial void SocketAccepted(ILogger logger, EndPoint? remoteAddress);
    }
}
