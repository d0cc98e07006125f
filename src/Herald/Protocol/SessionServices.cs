using Herald.Diagnostics;
using Herald.Streams;
using Microsoft.Extensions.Logging;

namespace Herald.Protocol;

/// <summary>What every session needs from the hub, bundled so a session holds one reference instead of six.</summary>
internal sealed class SessionServices(
    IHistory history,
    HubCounters counters,
    HeraldOptions options,
    TimeProvider timeProvider,
    ILoginAuthority authority,
    ILoggerFactory loggerFactory)
{
    /// <summary>Who a credential says a connection is.</summary>
    public ILoginAuthority Authority { get; } = authority;

    public IHistory History { get; } = history;

    public HubCounters Counters { get; } = counters;

    public HeraldOptions Options { get; } = options;

    public TimeProvider TimeProvider { get; } = timeProvider;

    /// <summary>The rule for each connection's messages; null when <see cref="HeraldOptions.ClientMessagesPerSecond"/> is 0 (off).</summary>
    public MessageRateLimit? MessageRate { get; } =
        options.ClientMessagesPerSecond > 0 ? new MessageRateLimit(options.ClientMessagesPerSecond, options.ClientMessageBurst, timeProvider) : null;

    /// <summary>Under the public category <see cref="LogCategories.Connections"/>, shared with the engine.</summary>
    public ILogger Logger { get; } = loggerFactory.CreateLogger(LogCategories.Connections);
}
