using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Herald.Sockets;

/// <summary>
/// Kestrel's transport for the TCP endpoints that have the direct WebSocket path and no TLS: Herald accepts their
/// connections itself, serves each valid upgrade to its <c>/ws</c> on the bare socket, and gives every other
/// connection to Kestrel as Kestrel's own socket transport would have made it. Kestrel asks the transports it was
/// given, the last registered first, whether they bind an endpoint; this one binds only those, so every other
/// endpoint keeps Kestrel's transport, and so do all of them when Kestrel's <c>MaxConcurrentConnections</c> is set.
/// </summary>
internal sealed class HeraldSocketTransportFactory(
    IOptions<SocketTransportOptions> options,
    IOptions<KestrelServerOptions> kestrelOptions,
    DirectSocketEndpoints endpoints,
    SocketUpgrades upgrades,
    ILoggerFactory loggerFactory) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    // Kestrel's connection limit counts only its own connections: with one set, every connection stays Kestrel's.
    public bool CanBind(EndPoint endpoint) => kestrelOptions.Value.Limits.MaxConcurrentConnections is null && endpoints.IsAllowed(endpoint);

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        Socket socket;
        try
        {
            socket = settings.CreateBoundListenSocket(endpoint);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            // As Kestrel's transport reports it, so that its fallback from [::1] to 127.0.0.1 for localhost still works.
            throw new AddressInUseException(exception.Message, exception);
        }

        socket.Listen(settings.Backlog);
        var kestrelConnections = new SocketConnectionContextFactory(
            new SocketConnectionFactoryOptions
            {
                IOQueueCount = settings.IOQueueCount,
                WaitForDataBeforeAllocatingBuffer = settings.WaitForDataBeforeAllocatingBuffer,
                MaxReadBufferSize = settings.MaxReadBufferSize,
                MaxWriteBufferSize = settings.MaxWriteBufferSize,
                UnsafePreferInlineScheduling = settings.UnsafePreferInlineScheduling,
            },
            loggerFactory.CreateLogger("Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets"));
        return new ValueTask<IConnectionListener>(new HeraldSocketListener(socket, settings.NoDelay, kestrelConnections, upgrades));
    }
}
