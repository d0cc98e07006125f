using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Herald.Protocol;
using Herald.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Herald.Connections;

/// <summary>
/// A Kestrel connection middleware that serves a valid WebSocket upgrade to Herald's <c>/ws</c> directly on the
/// connection's pipes, before the HTTP layer: nothing of HTTP/1.1 (connection state, headers, context) then lives
/// for the life of the WebSocket, which is most of what an idle connection costs. Every other first request
/// (the HTTP API, an invalid or unusual upgrade, TLS) is handed to the HTTP layer untouched, which answers it
/// exactly as it would without this middleware.
/// </summary>
internal sealed class DirectWebSocketMiddleware(
    ConnectionDelegate next,
    ConnectionHandler handler,
    MappedPrefixes mappedPrefixes,
    TimeProvider timeProvider,
    IOptions<KestrelServerOptions> kestrelOptions)
{
    // An upgrade request head is a few hundred bytes; anything longer is not one we take directly.
    private const int MaxHeadBytes = 8 * 1024;

    private static ReadOnlySpan<byte> Get => "GET "u8;

    private static ReadOnlySpan<byte> EndOfHead => "\r\n\r\n"u8;

    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        ReadResult result;
        SequencePosition? endOfHead;
        // The same deadline Kestrel gives a request head, so a connection that is not ours sees no difference;
        // Kestrel's close request, its first step of a shutdown, ends the wait early.
        var closeRequested = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
        using (var headWait = new CancellationTokenSource(kestrelOptions.Value.Limits.RequestHeadersTimeout, timeProvider))
        using (closeRequested.Register(static state => ((CancellationTokenSource)state!).Cancel(), headWait))
        {
            try
            {
                (result, endOfHead) = await ReadHeadAsync(input, headWait.Token);
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

        var request = endOfHead is { } end ? AcceptableUpgrade(result.Buffer.Slice(0, end)) : null;
        if (request is not { } upgrade || !Subprotocols.TrySelect(upgrade.Subprotocols, out var flavour))
        {
            // Not for us: leave every byte where it is for the HTTP layer, which accepts or refuses it.
            input.AdvanceTo(result.Buffer.Start);
            await next(connection);
            return;
        }

        input.AdvanceTo(result.Buffer.GetPosition(EndOfHead.Length, endOfHead!.Value));
        var selected = flavour == WireFlavour.HeraldV1 ? $"Sec-WebSocket-Protocol: {Subprotocols.HeraldV1}\r\n" : string.Empty;
        connection.Transport.Output.Write(Encoding.ASCII.GetBytes(
            "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
            $"Sec-WebSocket-Accept: {WebSocketHandshake.ComputeAcceptKey(upgrade.WebSocketKey!)}\r\n{selected}\r\n"));
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

    /// <summary>
    /// Reads until the first request head is complete, or until it is plain that the connection is not a
    /// WebSocket upgrade (not a GET, or a head too long). Consumes nothing.
    /// </summary>
    private static async ValueTask<(ReadResult Result, SequencePosition? EndOfHead)> ReadHeadAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (!CouldBeGet(buffer))
            {
                return (result, null);
            }

            if (FindEndOfHead(buffer) is { } endOfHead)
            {
                return (result, endOfHead);
            }

            if (buffer.Length > MaxHeadBytes || result.IsCompleted || result.IsCanceled)
            {
                return (result, null);
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool CouldBeGet(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> prefix = stackalloc byte[Get.Length];
        var length = (int)Math.Min(buffer.Length, Get.Length);
        buffer.Slice(0, length).CopyTo(prefix);
        return Get.StartsWith(prefix[..length]);
    }

    private static SequencePosition? FindEndOfHead(in ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        return reader.TryReadTo(out ReadOnlySequence<byte> _, EndOfHead, advancePastDelimiter: false) ? reader.Position : null;
    }

    /// <summary>The request, when it is a valid WebSocket upgrade to a mapped <c>/ws</c> that Herald can accept now.</summary>
    private UpgradeRequest? AcceptableUpgrade(ReadOnlySequence<byte> head)
    {
        var request = UpgradeRequest.Parse(head.ToArray());
        return request is { Method: "GET", Version: "HTTP/1.1", Host: not null, WebSocketVersion: "13", HasBody: false } valid
            && UpgradeRequest.HasToken(valid.Upgrade, "websocket")
            && UpgradeRequest.HasToken(valid.Connection, "upgrade")
            && WebSocketHandshake.IsValidKey(valid.WebSocketKey)
            && mappedPrefixes.Snapshot().Any(prefix => valid.Path == $"{prefix}/ws")
            && handler.IsAccepting
            ? valid
            : null;
    }
}
