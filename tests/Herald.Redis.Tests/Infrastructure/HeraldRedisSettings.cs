namespace Herald.Redis.Tests.Infrastructure;

/// <summary>
/// The settings that point a Herald node at a Redis (<c>Herald:Redis:Configuration</c>, <c>Herald:Redis:Prefix</c>),
/// as configuration keys for an in-process <see cref="HeraldNode"/> and as environment variables for a
/// <see cref="HeraldNodeProcess"/>.
/// </summary>
public static class HeraldRedisSettings
{
    public const string ConfigurationKey = "Herald:Redis:Configuration";
    public const string PrefixKey = "Herald:Redis:Prefix";

    /// <summary>Configuration keys for <paramref name="redis"/> under <paramref name="prefix"/>, with <paramref name="more"/> added.</summary>
    public static Dictionary<string, string?> For(RedisServer redis, string prefix, IReadOnlyDictionary<string, string?>? more = null) =>
        For(redis.ConnectionString, prefix, more);

    /// <summary>Configuration keys for the Redis that <paramref name="configuration"/> names (a server, or a cluster's primaries).</summary>
    public static Dictionary<string, string?> For(string configuration, string prefix, IReadOnlyDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            [ConfigurationKey] = configuration,
            [PrefixKey] = prefix,
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The same settings as the standalone host's environment variables (<c>Herald__Redis__Configuration</c>).</summary>
    public static Dictionary<string, string> EnvironmentFor(RedisServer redis, string prefix) => new()
    {
        [ConfigurationKey.Replace(":", "__", StringComparison.Ordinal)] = redis.ConnectionString,
        [PrefixKey.Replace(":", "__", StringComparison.Ordinal)] = prefix,
    };
}
