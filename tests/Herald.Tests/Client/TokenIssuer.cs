using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Herald.Tests.Client;

/// <summary>
/// An identity provider for the subscriber's token tests: mints HS256 tokens with IdentityModel's own handler, their
/// times taken from <paramref name="clock"/> (the server's clock, so that they expire when the server says).
/// </summary>
internal sealed class TokenIssuer(TimeProvider clock)
{
    /// <summary>How long a token lives unless a test says otherwise.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private int _minted;

    /// <summary>The secret the server is configured with (Herald:Tokens:SecretBase64).</summary>
    public byte[] Secret { get; } = RandomNumberGenerator.GetBytes(32);

    /// <summary>How many tokens have been minted: how often the subscriber asked its provider.</summary>
    public int Minted => Volatile.Read(ref _minted);

    /// <summary>
    /// A token for <paramref name="sub"/>, living <paramref name="lifetime"/> from the clock's now (negative for one
    /// that has expired), granting <paramref name="topics"/>; signed with another secret when <paramref name="forged"/>.
    /// </summary>
    public string Mint(string sub, TimeSpan? lifetime = null, string[]? topics = null, bool forged = false)
    {
        Interlocked.Increment(ref _minted);
        var now = clock.GetUtcNow();
        var expires = now + (lifetime ?? Lifetime);
        var claims = new Dictionary<string, object> { ["sub"] = sub };
        if (topics is not null)
        {
            claims["topics"] = string.Join(' ', topics);
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = (expires < now ? expires : now).UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(forged ? RandomNumberGenerator.GetBytes(32) : Secret), SecurityAlgorithms.HmacSha256),
        };

        // Default times would come from the machine's clock, not the server's.
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
