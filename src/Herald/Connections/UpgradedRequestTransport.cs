using System.IO.Pipelines;
using System.Net;
using Herald.WebSockets;
using Microsoft.AspNetCore.Http;

namespace Herald.Connections;

/// <summary>
/// A WebSocket accepted through ASP.NET Core (an HTTP/1.1 upgrade or an HTTP/2 extended CONNECT): the request's
/// opaque stream, read with zero-byte reads so an idle connection holds no receive buffer.
/// </summary>
/// <param name="context">The upgraded request.</param>
/// <param name="stream">Its opaque stream.</param>
/// <param name="client">The client's address as the gate admitted it: the peer's, or the one a known proxy forwarded.</param>
internal sealed class UpgradedRequestTransport(HttpContext context, Stream stream, IPAddress? client) : IWebSocketTransport
{
    public PipeReader Input { get; } = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true, useZeroByteReads: true));

    public PipeWriter Output { get; } = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));

    public string RemoteAddress { get; } = FormatRemoteAddress(context, client);

    public IPAddress? ClientAddress { get; } = client;

    public bool IsTls => context.Request.IsHttps;

    /// <summary>The peer as the logs show it, for a request whether or not it becomes a WebSocket.</summary>
    public static string FormatRemoteAddress(HttpContext context) =>
        $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";

    /// <summary>The peer, and the client behind it when a known proxy forwarded one, as the logs show them.</summary>
    public static string FormatRemoteAddress(HttpContext context, IPAddress? client) =>
        RemoteAddresses.ForLog(client, context.Connection.RemoteIpAddress, FormatRemoteAddress(context));

    public void Abort() => context.Abort();

    public async ValueTask DisposeAsync()
    {
        await Input.CompleteAsync();
        try
        {
            // Completing the writer flushes what it still holds, which fails on a connection that was cut off.
            await Output.CompleteAsync();
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is gone either way; its end was logged with its reason.
        }

        await stream.DisposeAsync();
    }
}
