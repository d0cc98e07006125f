using System.Diagnostics.Metrics;
using System.Text;
using Herald.Auth;
using Herald.Connections;
using Herald.Delivery;
using Herald.Diagnostics;
using Herald.Protocol;
using Herald.Routing;
using Herald.Streams;
using Herald.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Herald.Microbench;

/// <summary>
/// The hub's real parts wired by hand, with connections whose sockets write into a sink stream,
/// so benchmarks run the true enqueue and send path without the network.
/// </summary>
internal sealed class Hub
{
    public Hub(HeraldOptions? options = null)
    {
        // The fan-out benchmark logs 10,000 connections in as one user.
        Options = options ?? new HeraldOptions { MaxQueuedMessages = 1_000_000, MaxQueuedBytes = int.MaxValue, MaxConnectionsPerUser = 1_000_000 };
        Counters = new HubCounters(TimeProvider.System);
        Connections = new WebSocketConnectionSet();
        Registry = new ConnectionRegistry(Connections);
        History = new InMemoryHistory(Options, TimeProvider.System);
        Slots = new ConnectionSlots(Options);
        Handler = new ConnectionHandler(
            Connections,
            Registry,
            new WebSocketLimits(Options.MaxClientMessageBytes, Options.MaxQueuedMessages, Options.MaxQueuedBytes, Options.LoginTimeout, Options.CloseTimeout, Options.KeepAliveInterval, Options.KeepAliveTimeout),
            new SessionServices(History, Counters, Options, TimeProvider.System, new ServiceCollection().AddLogging().AddSingleton(Options).AddHerald().Services.BuildServiceProvider().GetRequiredService<LoginAuthority>(), NullLoggerFactory.Instance),
            Slots,
            Counters,
            new DeliveryLatency(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>(), TimeProvider.System),
            TimeProvider.System,
            NullLoggerFactory.Instance);
        Publisher = new Publisher(
            new InMemoryBackplane(History, new Dispatcher(Registry)), new IdempotencyStore(Options, TimeProvider.System), new MessageIdGenerator(), new PublicationRules(Options), Counters, Options, TimeProvider.System);
    }

    public HeraldOptions Options { get; }

    public HubCounters Counters { get; }

    public ConnectionRegistry Registry { get; }

    public InMemoryHistory History { get; }

    public WebSocketConnectionSet Connections { get; }

    public ConnectionHandler Handler { get; }

    /// <summary>What the upgrade gate would take for each connection before handing it to <see cref="Handler"/>.</summary>
    public ConnectionSlots Slots { get; }

    public Publisher Publisher { get; }

    /// <summary>Opens a connection over a sink stream and logs it in as <paramref name="userId"/> the way a client does.</summary>
    public void Connect(string userId)
    {
        var before = Registry.FindUser(userId)?.Count ?? 0;
        if (Slots.TryTake(client: null) is { } limit)
        {
            throw new InvalidOperationException($"the {limit} limit refused a benchmark connection");
        }

        _ = Handler.RunAsync(new SinkTransport(MaskedTextFrame($$"""{"uid":"{{userId}}"}""")), WireFlavour.Seed);
        var spinner = default(SpinWait);
        while ((Registry.FindUser(userId)?.Count ?? 0) == before)
        {
            spinner.SpinOnce();
        }
    }

    // A client frame as RFC 6455 requires: FIN + text, masked (with a zero key, so the payload reads as is).
    private static byte[] MaskedTextFrame(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        if (payload.Length > 125)
        {
            throw new ArgumentException("login frames here are short", nameof(text));
        }

        return [0x81, (byte)(0x80 | payload.Length), 0, 0, 0, 0, .. payload];
    }

    /// <summary>Waits until every queued frame has been written by the send loops.</summary>
    public void WaitUntilDrained()
    {
        var spinner = default(SpinWait);
        while (Counters.MessagesDelivered < Counters.MessagesQueued)
        {
            spinner.SpinOnce();
        }
    }
}
