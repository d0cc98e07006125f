using Herald.Diagnostics;
using Herald.Routing;
using Herald.Streams;
using Microsoft.Extensions.Logging;

namespace Herald.Connections;

/// <summary>
/// What every connection needs from the hub, bundled so a connection holds one reference instead of six.
/// </summary>
internal sealed class ConnectionServices(
    ConnectionRegistry registry,
    IHistory history,
    HubCounters counters,
    HeraldOptions options,
    TimeProvider timeProvider,
    ILogger<ClientConnection> logger)
{
    public ConnectionRegistry Registry { get; } = registry;

    public IHistory History { get; } = history;

    public HubCounters Counters { get; } = counters;

    public HeraldOptions Options { get; } = options;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public ILogger Logger { get; } = logger;
}
