namespace Herald;

/// <summary>
/// Who may call the HTTP API (<c>/send</c> and <c>/api/v1/*</c>): the <c>Herald:Api</c> section.
/// docs/security.md explains the keys, docs/configuration.md every setting.
/// </summary>
public sealed class HeraldApiOptions
{
    /// <summary>
    /// The API keys, by name: the name appears in logs and metrics, never the key. With none, only loopback callers
    /// may use the HTTP API; with any, every caller needs one.
    /// </summary>
    public Dictionary<string, HeraldApiKeyOptions> Keys { get; } = new(StringComparer.OrdinalIgnoreCase);
}
