using System.Security.Cryptography;

namespace Herald.Auth;

/// <summary>
/// The API keys of <c>Herald:Api:Keys</c>, read once at start (the options are validated by then), and the one
/// comparison of a presented key with them.
/// </summary>
internal sealed class ApiKeyStore
{
    private readonly ApiKey[] _keys;
    private readonly Dictionary<string, ApiKey> _byName;

    public ApiKeyStore(HeraldOptions options)
    {
        var failures = new List<string>();
        var keys = new List<ApiKey>();
        foreach (var (name, entry) in options.Api.Keys)
        {
            if (ApiKey.TryCreate(name, entry, failures) is { } key)
            {
                keys.Add(key);
            }
        }

        if (failures.Count > 0)
        {
            throw new InvalidOperationException($"Herald's options were not validated: {string.Join(" ", failures)}");
        }

        _keys = [.. keys];
        _byName = keys.ToDictionary(key => key.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>No key is configured: only loopback callers may use the HTTP API.</summary>
    public bool IsEmpty => _keys.Length == 0;

    public IReadOnlyList<ApiKey> Keys => _keys;

    /// <summary>
    /// The configured key whose hash is the SHA-256 of <paramref name="presented"/>, or null. The hash is compared with
    /// every configured one, each in constant time and none skipped, so the time a refusal takes says nothing about
    /// the configured hashes; the hashes are distinct (the validator sees to it), so at most one matches.
    /// </summary>
    public ApiKey? Find(ReadOnlySpan<char> presented)
    {
        Span<byte> hash = stackalloc byte[ApiKey.HashBytes];
        ApiKey.HashOf(presented, hash);
        ApiKey? found = null;
        foreach (var key in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, key.Hash))
            {
                found = key;
            }
        }

        return found;
    }

    /// <summary>The key an authenticated principal names, or null.</summary>
    public ApiKey? ByName(string name) => _byName.GetValueOrDefault(name);
}
