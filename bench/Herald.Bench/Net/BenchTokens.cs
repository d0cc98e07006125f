using System.Security.Cryptography;
using System.Text;

namespace Herald.Bench.Net;

/// <summary>
/// Signs a login token (an HS256 JWT, docs/security.md) for each bench user, for a server whose
/// <c>Herald:Tokens</c> trusts the same shared secret. Built by hand from HMAC-SHA256: the generator needs no
/// token library for three base64url parts.
/// </summary>
internal sealed class BenchTokens(string secret, string? issuer, string? audience)
{
    private static readonly string Header = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8);

    private readonly byte[] _key = Encoding.UTF8.GetBytes(secret);

    /// <summary>A token for <paramref name="userId"/>, valid for a day, granting every topic.</summary>
    public string For(string userId)
    {
        var expires = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds();
        // Bench user IDs, issuers and audiences are plain ASCII from the command line: no JSON escaping needed.
        var claims = new StringBuilder($$"""{"sub":"{{userId}}","exp":{{expires}},"topics":["*"]""");
        if (issuer is not null)
        {
            claims.Append($$""","iss":"{{issuer}}" """.TrimEnd());
        }

        if (audience is not null)
        {
            claims.Append($$""","aud":"{{audience}}" """.TrimEnd());
        }

        var signingInput = $"{Header}.{Base64Url(Encoding.UTF8.GetBytes(claims.Append('}').ToString()))}";
        return $"{signingInput}.{Base64Url(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(signingInput)))}";
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
