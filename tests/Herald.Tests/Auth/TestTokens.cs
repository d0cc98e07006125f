using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Herald.Tests.Auth;

/// <summary>Mints the tokens the token tests check: signed by IdentityModel's own handler, or built by hand for what it will not build.</summary>
internal static class TestTokens
{
    /// <summary>The fake clock's time in every token test; the tokens' times are relative to it.</summary>
    public static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// A token for <c>sub</c> "ada", issued at <paramref name="issuedAt"/> (<see cref="Now"/> by default) and
    /// expiring ten minutes later, signed with <paramref name="key"/> and <paramref name="algorithm"/>;
    /// <paramref name="configure"/> changes the rest (claims, times, issuer, audience).
    /// </summary>
    public static string Mint(SecurityKey key, string algorithm, Action<SecurityTokenDescriptor>? configure = null, DateTimeOffset? issuedAt = null)
    {
        var issued = issuedAt ?? Now;
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["sub"] = "ada" },
            IssuedAt = issued.UtcDateTime,
            Expires = issued.AddMinutes(10).UtcDateTime,
            SigningCredentials = new SigningCredentials(key, algorithm),
        };
        configure?.Invoke(descriptor);

        // Default times would come from the real clock, not the test's.
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>
    /// A token with exactly this header and payload, HMAC-signed with <paramref name="secret"/> (SHA-256 unless
    /// <paramref name="hash"/> says otherwise), or unsigned (empty signature) without one.
    /// </summary>
    public static string HandMade(string headerJson, string payloadJson, byte[]? secret = null, string hash = "SHA256")
    {
        var signingInput = $"{Base64UrlEncoder.Encode(headerJson)}.{Base64UrlEncoder.Encode(payloadJson)}";
        var signature = secret is null ? ""
            : Base64UrlEncoder.Encode(CryptographicOperations.HmacData(new HashAlgorithmName(hash), secret, Encoding.ASCII.GetBytes(signingInput)));
        return $"{signingInput}.{signature}";
    }

    /// <summary>A payload for <see cref="HandMade"/>: sub "ada", exp in ten minutes, and <paramref name="extra"/> claims.</summary>
    public static string Payload(params (string Name, object? Value)[] extra)
    {
        var claims = new Dictionary<string, object?> { ["sub"] = "ada", ["exp"] = Now.AddMinutes(10).ToUnixTimeSeconds() };
        foreach (var (name, value) in extra)
        {
            claims[name] = value;
        }

        return JsonSerializer.Serialize(claims);
    }

    public static byte[] Secret(int bytes = 32) => RandomNumberGenerator.GetBytes(bytes);
}
