namespace Herald.Hosting;

/// <summary>
/// Every key the binder reads under <c>Herald</c>: the public settable properties of <see cref="HeraldOptions"/>
/// and of its nested option classes, written out rather than found by reflection, which trimming and ahead-of-time
/// compilation would not keep. A test checks it against the classes, so a new option cannot be missing here.
/// </summary>
internal static class HeraldConfigurationKeys
{
    private static readonly ConfigurationShape Value = ConfigurationShape.Value;

    private static readonly ConfigurationShape ValueList = ConfigurationShape.Entries(Value);

    public static ConfigurationShape Herald { get; } = ConfigurationShape.Section(
        (nameof(HeraldOptions.MaxUserIdLength), Value),
        (nameof(HeraldOptions.MaxClientMessageBytes), Value),
        (nameof(HeraldOptions.MaxMessageBytes), Value),
        (nameof(HeraldOptions.MaxQueuedMessages), Value),
        (nameof(HeraldOptions.MaxQueuedBytes), Value),
        (nameof(HeraldOptions.LoginTimeout), Value),
        (nameof(HeraldOptions.KeepAliveInterval), Value),
        (nameof(HeraldOptions.KeepAliveTimeout), Value),
        (nameof(HeraldOptions.CloseTimeout), Value),
        (nameof(HeraldOptions.ShutdownTimeout), Value),
        (nameof(HeraldOptions.HistoryMaxMessages), Value),
        (nameof(HeraldOptions.HistoryMaxAge), Value),
        (nameof(HeraldOptions.HistoryMaxBytes), Value),
        (nameof(HeraldOptions.IdempotencyWindow), Value),
        (nameof(HeraldOptions.MaxIdempotencyKeys), Value),
        (nameof(HeraldOptions.MaxIdempotencyBytes), Value),
        (nameof(HeraldOptions.MaxConnectionsPerUser), Value),
        (nameof(HeraldOptions.MaxConnectionsPerIp), Value),
        (nameof(HeraldOptions.ExemptLoopbackFromIpLimit), Value),
        (nameof(HeraldOptions.MaxPendingLogins), Value),
        (nameof(HeraldOptions.ClientMessagesPerSecond), Value),
        (nameof(HeraldOptions.ClientMessageBurst), Value),
        (nameof(HeraldOptions.MaxTopicsPerConnection), Value),
        (nameof(HeraldOptions.MaxPublishTargets), Value),
        (nameof(HeraldOptions.MaxBatchMessages), Value),
        (nameof(HeraldOptions.MaxBatchBytes), Value),
        (nameof(HeraldOptions.AllowAnonymousLogin), Value),
        (nameof(HeraldOptions.AllowedOrigins), ValueList),
        (nameof(HeraldOptions.StrictConfiguration), Value),
        (nameof(HeraldOptions.DemoPage), Value),
        (nameof(HeraldOptions.AdminPage), Value),
        (nameof(HeraldOptions.ConnectHook), ConfigurationShape.Section(
            (nameof(HeraldConnectHookOptions.Url), Value),
            (nameof(HeraldConnectHookOptions.Timeout), Value),
            (nameof(HeraldConnectHookOptions.ForwardHeaders), ValueList),
            (nameof(HeraldConnectHookOptions.RequestHeaders), ConfigurationShape.Entries(Value)),
            (nameof(HeraldConnectHookOptions.CheckSubscribes), Value),
            (nameof(HeraldConnectHookOptions.SubscribeUrl), Value),
            (nameof(HeraldConnectHookOptions.BreakerFailures), Value),
            (nameof(HeraldConnectHookOptions.BreakerDuration), Value))),
        (nameof(HeraldOptions.ForwardedHeaders), ConfigurationShape.Section(
            (nameof(HeraldForwardedHeadersOptions.Header), Value),
            (nameof(HeraldForwardedHeadersOptions.KnownProxies), ValueList),
            (nameof(HeraldForwardedHeadersOptions.KnownNetworks), ValueList))),
        (nameof(HeraldOptions.Tokens), ConfigurationShape.Section(
            (nameof(HeraldTokenOptions.Secret), Value),
            (nameof(HeraldTokenOptions.SecretBase64), Value),
            (nameof(HeraldTokenOptions.PublicKeyFiles), ValueList),
            (nameof(HeraldTokenOptions.JwksFile), Value),
            (nameof(HeraldTokenOptions.JwksUrl), Value),
            (nameof(HeraldTokenOptions.JwksRefreshInterval), Value),
            (nameof(HeraldTokenOptions.JwksMinRefreshInterval), Value),
            (nameof(HeraldTokenOptions.Issuer), Value),
            (nameof(HeraldTokenOptions.ValidIssuers), ValueList),
            (nameof(HeraldTokenOptions.Audience), Value),
            (nameof(HeraldTokenOptions.ValidAudiences), ValueList),
            (nameof(HeraldTokenOptions.ClockSkew), Value),
            (nameof(HeraldTokenOptions.RequireExpiration), Value),
            (nameof(HeraldTokenOptions.TopicsClaim), Value),
            (nameof(HeraldTokenOptions.RefreshNotice), Value))),
        (nameof(HeraldOptions.Api), ConfigurationShape.Section(
            (nameof(HeraldApiOptions.Keys), ConfigurationShape.Entries(ConfigurationShape.Section(
                (nameof(HeraldApiKeyOptions.Hash), Value),
                (nameof(HeraldApiKeyOptions.Scope), Value)))),
            (nameof(HeraldApiOptions.RequestsPerSecond), Value),
            (nameof(HeraldApiOptions.RequestBurst), Value),
            (nameof(HeraldApiOptions.DirectSend), Value))),

        // Herald.Redis's options (HeraldRedisOptions, bound by AddRedis from Herald:Redis), named here because this
        // assembly does not know that one; Herald.Redis.Tests checks the names against the class.
        (RedisSection, ConfigurationShape.Section(
            ("Configuration", Value),
            ("Prefix", Value),
            ("Fanout", Value),
            ("NodeHeartbeatInterval", Value),
            ("NodeTimeout", Value),
            ("CommandTimeout", Value))));

    /// <summary>The section of Herald.Redis's options under <c>Herald</c>.</summary>
    public const string RedisSection = "Redis";
}
