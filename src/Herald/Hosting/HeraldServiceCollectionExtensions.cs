using Herald;
using Herald.Api;
using Herald.Auth;
using Herald.Connections;
using Herald.Delivery;
using Herald.Diagnostics;
using Herald.Hosting;
using Herald.Routing;
using Herald.Sockets;
using Herald.Protocol;
using Herald.Streams;
using Herald.WebSockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Herald in an application's services.</summary>
public static class HeraldServiceCollectionExtensions
{
    // A JWKS fetch waits this long at most; the first one also holds up the start (TokenKeyRefresher).
    private static readonly TimeSpan JwksFetchTimeout = TimeSpan.FromSeconds(10);

    // A key set is a few KiB; a larger answer is not one, and is not buffered.
    private const int MaxJwksBytes = 1024 * 1024;

    /// <summary>
    /// Adds Herald's services, with options bound from the <c>Herald</c> configuration section, then
    /// <paramref name="configure"/>, and validated at start. Map the endpoints with <c>app.MapHerald()</c>.
    /// </summary>
    public static IHeraldBuilder AddHerald(this IServiceCollection services, Action<HeraldOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<HeraldOptions>().BindConfiguration(HeraldOptions.SectionName).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HeraldOptions>, HeraldOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HeraldOptions>, HeraldTokenOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HeraldOptions>, HeraldConfigurationKeysValidator>());
        services.TryAddSingleton(static provider => provider.GetRequiredService<IOptions<HeraldOptions>>().Value);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();

        services.TryAddSingleton<HubCounters>();
        services.TryAddSingleton<DeliveryLatency>();
        services.TryAddSingleton<HeraldMetrics>();
        services.TryAddSingleton(static provider => WebSocketLimitsFrom(provider.GetRequiredService<HeraldOptions>()));
        services.TryAddSingleton<WebSocketConnectionSet>();
        services.TryAddSingleton<ConnectionSweeper>();
        services.TryAddSingleton<ConnectionRegistry>();
        services.TryAddSingleton<SessionServices>();
        services.TryAddSingleton<LoginAuthority>();
        services.TryAddSingleton<ILoginAuthority>(static provider => provider.GetRequiredService<LoginAuthority>());
        services.TryAddSingleton<OriginPolicy>();
        services.TryAddSingleton<ClientAddressResolver>();
        services.TryAddSingleton<ConnectionSlots>();
        services.TryAddSingleton<RefusedUpgrades>();
        services.TryAddSingleton<UpgradeGate>();
        services.TryAddSingleton<TokenKeySource>();
        services.TryAddSingleton<TokenValidator>();
        services.AddHttpClient(HeraldTokenOptions.JwksHttpClientName, static client =>
        {
            client.Timeout = JwksFetchTimeout;
            client.MaxResponseContentBufferSize = MaxJwksBytes;
        });
        services.AddHostedService<TokenKeyRefresher>();
        services.TryAddSingleton<ConnectionHandler>();
        services.TryAddSingleton<InMemoryHistory>();
        services.TryAddSingleton<IHistory>(static provider => provider.GetRequiredService<InMemoryHistory>());
        services.TryAddSingleton<Dispatcher>();
        services.TryAddSingleton<IBackplane, InMemoryBackplane>();
        services.TryAddSingleton<IIdempotencyStore, IdempotencyStore>();
        services.TryAddSingleton<MessageIdGenerator>();
        services.TryAddSingleton<PublicationRules>();
        services.TryAddSingleton<Publisher>();
        services.TryAddSingleton<IClusterView, SingleNodeView>();
        services.TryAddSingleton<IHeraldHub, HeraldHub>();

        services.TryAddSingleton<MappedPrefixes>();
        services.TryAddSingleton<HeadDeadlines>();
        services.TryAddSingleton<DirectUpgrades>();
        services.TryAddSingleton<DirectSocketEndpoints>();
        services.TryAddSingleton<SocketUpgrades>();
        services.TryAddSingleton<DirectSendEndpoint>();
        services.TryAddSingleton<SendAnswers>();
        services.TryAddSingleton<SocketSendRequests>();

        // Registered after Kestrel's own transport, so Kestrel asks it first; it binds only the addresses of
        // endpoints with the direct path and without TLS (DirectSocketEndpoints), Kestrel's transport the rest.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.AspNetCore.Connections.IConnectionListenerFactory, HeraldSocketTransportFactory>());
        services.TryAddSingleton<WebSocketEndpoint>();
        services.TryAddSingleton<SendEndpoint>();
        services.TryAddSingleton<PublishEndpoint>();
        services.TryAddSingleton<HubEndpoints>();
        services.TryAddSingleton<ClientScriptEndpoint>();
        ApiAccessServices.AddTo(services);
        services.AddHostedService<HeraldLifecycleService>();
        if (!services.Any(static service => service.ServiceType == typeof(HeraldReadinessCheck)))
        {
            // Once: a health check registered twice under one name fails every probe.
            services.AddSingleton<HeraldReadinessCheck>();
            services.AddHealthChecks().AddCheck<HeraldReadinessCheck>(HeraldHealthChecks.Name, tags: [HeraldHealthChecks.ReadinessTag]);
        }

        return new HeraldBuilder(services);
    }

    private static WebSocketLimits WebSocketLimitsFrom(HeraldOptions options) => new(
        options.MaxClientMessageBytes,
        options.MaxQueuedMessages,
        options.MaxQueuedBytes,
        SessionTimeout: options.LoginTimeout,
        options.CloseTimeout,
        options.KeepAliveInterval,
        options.KeepAliveTimeout);
}
