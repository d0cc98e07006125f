namespace Herald;

/// <summary>One API key: <c>Herald:Api:Keys:&lt;name&gt;:Hash</c> and <c>:Scope</c>.</summary>
public sealed class HeraldApiKeyOptions
{
    /// <summary>The scope of a key that may publish: <c>/send</c>, <c>/api/v1/publish</c> and its <c>/batch</c>.</summary>
    public const string PublishScope = "Publish";

    /// <summary>The scope of a key that may do everything: publish, and also stats, user presence, disconnect and metrics.</summary>
    public const string AdminScope = "Admin";

    /// <summary>
    /// The SHA-256 of the key, as 64 hexadecimal characters (<c>printf %s "$KEY" | sha256sum</c>): the key itself is
    /// never stored.
    /// </summary>
    public string? Hash { get; set; }

    /// <summary>What the key may call: <see cref="PublishScope"/> (the default) or <see cref="AdminScope"/>.</summary>
    public string Scope { get; set; } = PublishScope;
}
