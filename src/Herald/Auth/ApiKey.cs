using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Herald.Diagnostics;

namespace Herald.Auth;

/// <summary>
/// One configured API key: its name (what logs and metrics show), the SHA-256 of its value and its scope. The one
/// place that reads <see cref="HeraldApiKeyOptions"/>, for the validator and the key store alike.
/// </summary>
internal sealed class ApiKey
{
    /// <summary>The length of a configured hash, in bytes.</summary>
    public const int HashBytes = SHA256.HashSizeInBytes;

    private const int MaxNameLength = 64;

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private static readonly SearchValues<char> NameCharacters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    private ApiKey(string name, byte[] hash, ApiScope scope)
    {
        Name = name;
        Hash = hash;
        Scope = scope;
        Partition = "key:" + name;
        Description = $"key '{name}'";
    }

    public string Name { get; }

    public byte[] Hash { get; }

    public ApiScope Scope { get; }

    /// <summary>The key's share of the rate limit and of the refusal log lines, made once rather than per request.</summary>
    public string Partition { get; }

    /// <summary>How a log line names the caller.</summary>
    public string Description { get; }

    /// <summary>Reads one entry of <c>Herald:Api:Keys</c>.</summary>
    /// <returns>The key, or null with every broken rule added to <paramref name="failures"/>.</returns>
    public static ApiKey? TryCreate(string name, HeraldApiKeyOptions? options, List<string> failures)
    {
        var path = $"Herald:Api:Keys:{LogText.Escape(name)}";
        var before = failures.Count;
        if (!IsValidName(name))
        {
            failures.Add($"{path}: a key's name must be 1 to {MaxNameLength} characters of A-Z a-z 0-9 . _ - (it is what logs and metrics show).");
        }

        if (options is null)
        {
            failures.Add($"{path} is empty: give it a Hash and a Scope.");
            return null;
        }

        var hash = ParseHash(path, options.Hash, failures);
        var scope = ParseScope(path, options.Scope, failures);
        return failures.Count == before ? new ApiKey(name, hash!, scope) : null;
    }

    /// <summary>The SHA-256 of a presented key's UTF-8 bytes, as the configured hashes are made.</summary>
    public static void HashOf(ReadOnlySpan<char> key, Span<byte> hash)
    {
        var length = Encoding.UTF8.GetMaxByteCount(key.Length);
        var rented = length > 256 ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> bytes = rented is null ? stackalloc byte[256] : rented;
        var written = Encoding.UTF8.GetBytes(key, bytes);
        SHA256.HashData(bytes[..written], hash);

        // The key's bytes must not linger in a buffer that other code rents next.
        CryptographicOperations.ZeroMemory(bytes[..written]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static byte[]? ParseHash(string path, string? hex, List<string> failures)
    {
        const string HowTo = "the SHA-256 of the key as 64 hexadecimal characters, e.g. from printf %s \"$KEY\" | sha256sum (without its trailing \"  -\")";
        if (string.IsNullOrEmpty(hex))
        {
            failures.Add($"{path}:Hash is required: {HowTo}.");
            return null;
        }

        // The text is never quoted back: whoever mistakes the key itself for its hash must not find it in a log.
        if (hex.Length != 2 * HashBytes)
        {
            failures.Add($"{path}:Hash must be {HowTo} (was {hex.Length} characters).");
            return null;
        }

        var bad = hex.AsSpan().IndexOfAnyExcept(HexDigits);
        if (bad >= 0)
        {
            failures.Add($"{path}:Hash must be {HowTo} (character {bad + 1} is not 0-9, a-f or A-F).");
            return null;
        }

        return Convert.FromHexString(hex);
    }

    private static ApiScope ParseScope(string path, string? scope, List<string> failures)
    {
        if (string.Equals(scope, HeraldApiKeyOptions.PublishScope, StringComparison.OrdinalIgnoreCase))
        {
            return ApiScope.Publish;
        }

        if (string.Equals(scope, HeraldApiKeyOptions.AdminScope, StringComparison.OrdinalIgnoreCase))
        {
            return ApiScope.Admin;
        }

        failures.Add($"{path}:Scope must be {HeraldApiKeyOptions.PublishScope} or {HeraldApiKeyOptions.AdminScope} (was '{LogText.Escape(scope)}').");
        return ApiScope.Publish;
    }

    private static bool IsValidName(string name) =>
        name.Length is > 0 and <= MaxNameLength && !name.AsSpan().ContainsAnyExcept(NameCharacters);
}
