using Herald.Delivery;
using Herald.Diagnostics;
using Herald.Redis;
using Herald.Routing;
using Herald.Streams;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts Herald on Redis: many nodes, one hub (docs/scaling.md).</summary>
public static class HeraldRedisBuilderExtensions
{
    /// <summary>
    /// Shares the streams' history, delivery, idempotency keys and presence between every node that uses the same
    /// Redis and <see cref="HeraldRedisOptions.Prefix"/>. Options bind from <c>Herald:Redis</c>, then
    /// <paramref name="configure"/>, and are validated at start.
    /// </summary>
    public static Herald.IHeraldBuilder AddRedis(this Herald.IHeraldBuilder builder, Action<HeraldRedisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<HeraldRedisOptions>().BindConfiguration(HeraldRedisOptions.SectionName).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HeraldRedisOptions>, HeraldRedisOptionsValidator>());
        services.TryAddSingleton(static provider => provider.GetRequiredService<IOptions<HeraldRedisOptions>>().Value);
        services.TryAddSingleton<RedisConnection>();
        services.TryAddSingleton<RedisKeys>();
        services.TryAddSingleton<RedisHistoryStore>();
        services.TryAddSingleton<StreamChannels>();
        services.TryAddSingleton<ClusterPresence>();
        services.TryAddSingleton<ClusterNodes>();
        services.TryAddSingleton<NodeJanitor>();
        services.TryAddSingleton<NodeHeartbeat>();

        // Replacing the single node's parts: AddHerald registered them with TryAdd, so these win whichever runs first.
        services.Replace(ServiceDescriptor.Singleton<IStreamInterest>(static provider => provider.GetRequiredService<StreamChannels>()));
        services.Replace(ServiceDescriptor.Singleton<IHistory, RedisHistory>());
        services.Replace(ServiceDescriptor.Singleton<IBackplane, RedisBackplane>());
        services.Replace(ServiceDescriptor.Singleton<IIdempotencyStore, RedisIdempotencyStore>());
        services.Replace(ServiceDescriptor.Singleton<IClusterView, RedisClusterView>());
        if (!services.Any(static service => service.ServiceType == typeof(RedisReadinessCheck)))
        {
            services.AddSingleton<RedisReadinessCheck>();
            services.AddHealthChecks().AddCheck<RedisReadinessCheck>(RedisReadinessCheck.Name, tags: [Herald.HeraldHealthChecks.ReadinessTag]);
            services.AddHostedService<RedisNodeService>();
        }

        return builder;
    }
}
