using Microsoft.IdentityModel.Tokens;

namespace Herald.Auth;

/// <summary>
/// The keys tokens are verified with at one moment: the configured ones (secret, PEM files) and the last JWKS
/// loaded. Immutable; a refresh replaces the whole set, so a check in progress keeps the keys it started with.
/// </summary>
internal sealed class TokenKeySet
{
    private readonly Dictionary<SecurityKey, string[]> _algorithms = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, SecurityKey[]> _byKeyId = new(StringComparer.Ordinal);
    private readonly SecurityKey[] _all;
    private readonly SecurityKey[] _unnamed;
    private readonly HashSet<string> _acceptedAlgorithms = new(StringComparer.Ordinal);

    /// <param name="configured">The keys from the secret and the PEM files.</param>
    /// <param name="jwks">The keys of the last JWKS loaded; null while none has been (or none is configured).</param>
    public TokenKeySet(IReadOnlyList<TokenKey> configured, IReadOnlyList<TokenKey>? jwks)
    {
        JwksLoaded = jwks is not null;
        Keys = [.. configured, .. jwks ?? []];
        foreach (var key in Keys)
        {
            _algorithms[key.Key] = key.Algorithms;
            _acceptedAlgorithms.UnionWith(key.Algorithms);
        }

        _all = [.. Keys.Select(key => key.Key)];
        _unnamed = [.. Keys.Where(key => key.Key.KeyId is null).Select(key => key.Key)];
        foreach (var group in Keys.Where(key => key.Key.KeyId is not null).GroupBy(key => key.Key.KeyId!, StringComparer.Ordinal))
        {
            _byKeyId[group.Key] = [.. group.Select(key => key.Key)];
        }
    }

    public IReadOnlyList<TokenKey> Keys { get; }

    /// <summary>Whether a JWKS has been loaded into this set.</summary>
    public bool JwksLoaded { get; }

    public bool KnowsKeyId(string keyId) => _byKeyId.ContainsKey(keyId);

    /// <summary>Every algorithm some key of the set verifies, for the log.</summary>
    public IEnumerable<string> AcceptedAlgorithms => _acceptedAlgorithms.Order(StringComparer.Ordinal);

    /// <summary>Whether any key of the set verifies <paramref name="algorithm"/>.</summary>
    public bool Accepts(string algorithm) => _acceptedAlgorithms.Contains(algorithm);

    /// <summary>Whether <paramref name="key"/>, one of this set's, may verify a token signed with <paramref name="algorithm"/>.</summary>
    public bool Allows(SecurityKey key, string algorithm) =>
        _algorithms.TryGetValue(key, out var algorithms) && algorithms.Contains(algorithm, StringComparer.Ordinal);

    /// <summary>
    /// The keys to try for a token that names <paramref name="keyId"/>: the keys with that ID; when none has it (or
    /// the token names none), the keys without an ID, which stand for any; with no ID at all, every key. A token is
    /// never tried against a JWKS key whose ID differs from its own, so an unknown ID stays unknown (and can
    /// trigger a refresh) instead of costing a verification per key.
    /// </summary>
    public IEnumerable<SecurityKey> Candidates(string? keyId)
    {
        if (string.IsNullOrEmpty(keyId))
        {
            return _all;
        }

        return _byKeyId.TryGetValue(keyId, out var named) ? named : _unnamed;
    }
}
