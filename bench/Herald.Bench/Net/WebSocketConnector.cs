using System.Net.WebSockets;

namespace Herald.Bench.Net;

/// <summary>
/// Opens WebSockets to the target through one shared <see cref="HttpMessageInvoker"/> whose handler binds each
/// socket to the next source address (ClientWebSocket cannot bind a local address itself).
/// </summary>
internal sealed class WebSocketConnector : IDisposable
{
    private readonly HttpMessageInvoker _invoker;

    public WebSocketConnector(LoopbackTarget target, SourceAddressPool? sources)
    {
        Uri = target.WebSocketUri;

        // Each upgrade takes its connection out of the pool for good, so the pool itself needs no limit.
        _invoker = new HttpMessageInvoker(LoopbackHandler.Create(target, sources, int.MaxValue), disposeHandler: true);
    }

    public Uri Uri { get; }

    /// <summary>Opens and upgrades one connection; the caller owns the returned socket.</summary>
    /// <param name="subProtocol">The subprotocol to ask for, which the server must select; null for none (the seed flavour).</param>
    /// <param name="cancellationToken">Abandons the connect.</param>
    public async Task<ClientWebSocket> ConnectAsync(string? subProtocol, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();

        // The server pings every connection and the client answers those on its own; client pings would only add load.
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        if (subProtocol is not null)
        {
            socket.Options.AddSubProtocol(subProtocol);
        }

        try
        {
            await socket.ConnectAsync(Uri, _invoker, cancellationToken);
            if (socket.SubProtocol != subProtocol)
            {
                throw new WebSocketException($"asked for subprotocol '{subProtocol}', the server selected '{socket.SubProtocol}'");
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _invoker.Dispose();
}
